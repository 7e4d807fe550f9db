import { type Page, type Squad } from '@agent-squad/contracts';
import { expectStatus } from '../support/http';
import { scrape, serviceUrls, stackMetric } from '../support/metrics';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { waitUntil } from '../support/wait';

const series = (target: string, kind: string) => `db_operations_total{domain="core",target="${target}",kind="${kind}"}`;

/** DESIGN §5: where the database work goes, as /metrics shows it. */
describe('database routing', () => {
  it(`reads a user's data from the ${process.env.E2E_SHAPE === 'services' ? 'streaming replica' : 'embedded database'}, writes to the primary`, async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    expect(await stackMetric(series('primary', 'write'))).toBeGreaterThan(0);
    const page = await scrape(serviceUrls()[0]!);
    for (const name of ['db_query_duration_seconds', 'db_operations_total', 'db_slow_queries_total', 'db_pool_connections']) expect(page).toContain(`# TYPE ${name} `);

    const list = async () => {
      const page = await session.api.get<Page<Squad>>('/v1/squads');
      expectStatus(page, 200);
      expect(page.body.data.map((seen) => seen.id)).toEqual([squad.id]);
    };
    if (process.env.E2E_SHAPE !== 'services') {
      const before = await stackMetric(series('primary', 'read'));
      await list();
      expect(await stackMetric(series('primary', 'read'))).toBeGreaterThan(before);
      return;
    }
    // Right after writing, the user reads from the primary; once the replica's health check has
    // seen it replay past the write (every second), from the replica — always seeing the squad.
    const before = await stackMetric(series('replica-0', 'read'));
    await waitUntil('a read of the squad list served by the replica', async () => (await list(), stackMetric(series('replica-0', 'read'))), (reads) => reads > before, { timeoutMs: 15_000, intervalMs: 100 });
  });
});
