import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { killAtRandom, type Chaos } from '../support/durability/chaos';
import { stackQuery, statusCounts } from '../support/durability/stack-db';
import { submitSurely } from '../support/durability/submit';
import { mapLimit } from '../support/pool';
import { signUp, type Session } from '../support/session';
import { createSquad } from '../support/squads';
import { LOCAL } from '../support/stack/local-services';
import { Stack } from '../support/stack/stack';
import { waitUntil } from '../support/wait';

const EXECUTIONS = 1000;
const USERS = 10;

/**
 * Exactly-once metering (DESIGN §2): 1,000 executions while the event relay and billing's durable
 * consumer are SIGKILLed at random moments and restarted. The relay runs in the processes with the
 * `core` role (workers do not relay) and the consumer in those with `billing`; the stack runs two
 * of each. For as long as the executions stream in, one of the relays and one of the consumers are
 * killed and restarted, each kind on its own random rhythm (one of a kind at a time, so the API
 * keeps answering): relays die mid-batch (their claimed rows go to the next relay) and consumers
 * die mid-event (the broker redelivers what they held). Billing must meter exactly the executions
 * that completed.
 */
describe('usage metering while the relay and the billing consumer are killed', () => {
  let stack: Stack;
  let chaos: Chaos | undefined;
  beforeAll(async () => {
    stack = await Stack.start('services', { gateways: 1, env: { PLAN_FREE_EXECUTIONS: '100000', OUTBOX_POLL_MS: '200', EXECUTION_RECONCILE_EVERY_MS: '1000' } });
    await Promise.all([stack.startService('core-2', 'core'), stack.startService('billing-2', 'billing')]);
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(async () => {
    await chaos?.stop().catch(() => undefined);
    await stack?.stop();
  });

  it('meters every completed execution exactly once', async () => {
    const users: { session: Session; squadId: string }[] = [];
    for (let index = 0; index < USERS; index++) {
      const session = await signUp();
      users.push({ session, squadId: (await createSquad(session, 1)).id });
    }

    chaos = killAtRandom(
      stack,
      [
        [
          { name: 'core', app: 'core' },
          { name: 'core-2', app: 'core' },
        ],
        [
          { name: 'billing', app: 'billing' },
          { name: 'billing-2', app: 'billing' },
        ],
      ],
      1000,
      4000,
    );
    const submitted = await mapLimit(Array.from({ length: EXECUTIONS }, (_, index) => index), 20, (index) => {
      const { session, squadId } = users[index % USERS]!;
      return submitSurely(session, squadId, `Metered ${index}`);
    });
    const ids = submitted.map((task) => task.execution.id);
    await waitUntil('every execution to finish', () => statusCounts(stack, ids), (counts) => (counts['completed'] ?? 0) === EXECUTIONS, { timeoutMs: 240_000, intervalMs: 500 });
    const kills = await chaos.stop();
    // Both kinds died more than once while events were flowing.
    expect(kills['core']! + kills['core-2']!).toBeGreaterThanOrEqual(2);
    expect(kills['billing']! + kills['billing-2']!).toBeGreaterThanOrEqual(2);

    const userIds = users.map((user) => user.session.user.id);
    const metered = async () => {
      const [row] = await stackQuery<{ executions: number }>(stack, `SELECT coalesce(sum(executions), 0)::int AS executions FROM billing.usage_counters WHERE "userId" = ANY($1::uuid[])`, [userIds]);
      return row!.executions;
    };
    // Redelivery of what a killed consumer held waits for the ack deadline (30 s).
    expect(await waitUntil('billing to meter every execution', metered, (count) => count >= EXECUTIONS, { timeoutMs: 120_000, intervalMs: 500 })).toBe(EXECUTIONS);
    // Drained: nothing left in the outbox, nothing pending or unacknowledged for billing; still exactly once.
    await waitUntil('the outbox and the consumer to drain', () => pending(stack), (left) => left === 0, { timeoutMs: 120_000, intervalMs: 500 });
    expect(await metered()).toBe(EXECUTIONS);
    const [finished] = await stackQuery<{ n: number }>(stack, `SELECT count(*)::int AS n FROM core.executions WHERE id = ANY($1::uuid[]) AND status = 'completed'`, [ids]);
    expect(finished!.n).toBe(EXECUTIONS);
  }, 600_000);
});

/** Outbox rows not yet published, plus events billing's consumer has not acknowledged. */
async function pending(stack: Stack): Promise<number> {
  const [outbox] = await stackQuery<{ n: number }>(stack, 'SELECT count(*)::int AS n FROM core.outbox_events');
  const nats = await connect({ servers: LOCAL.nats });
  try {
    const consumer = await (await jetstreamManager(nats)).consumers.info(`${stack.namespace}_events`, 'billing-usage');
    return outbox!.n + consumer.num_pending + consumer.num_ack_pending;
  } finally {
    await nats.close();
  }
}
