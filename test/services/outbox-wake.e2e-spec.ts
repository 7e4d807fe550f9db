import { waitForMeteredExecutions } from '../support/billing';
import { runTask } from '../support/executions';
import { signUp } from '../support/session';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';

/**
 * Workers write an execution's finished event to the outbox but do not relay it: they wake the
 * relays (the core processes) over the bus, so usage is metered at once, not at the relay's next
 * sweep. The sweep is set far beyond the test here: only the wake can deliver the events in time.
 */
describe("a worker's finished executions", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start('services', { gateways: 1, env: { OUTBOX_POLL_MS: '600000' } });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(() => stack?.stop());

  it('reach billing without waiting for the outbox sweep', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);
    for (let run = 1; run <= 3; run++) {
      expect((await runTask(session, squad.id, `Metered ${run}`)).execution.status).toBe('completed');
      const usage = await waitForMeteredExecutions(session, run);
      expect(usage.executions).toBe(run);
      expect(usage.llmCalls).toBe(2 * run);
    }
  });
});
