import { finished, submitTask } from '../support/executions';
import { Api } from '../support/http';
import { signUp } from '../support/session';
import { readEvents } from '../support/sse';
import { createSquad } from '../support/squads';
import { Stack } from '../support/stack/stack';

/** API: any gateway replica streams any execution, and Last-Event-ID resumes without loss or repeats. */
describe('event streams across gateway replicas', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start('services', { gateways: 2 });
    process.env.E2E_BASE_URL = stack.baseUrl;
  });
  afterAll(() => stack?.stop());

  it('streams live on the gateway that did not take the POST, and resumes on the other after a drop', async () => {
    const session = await signUp();
    const [first, second] = stack.gatewayUrls.map((url) => new Api(session.token, url));
    const squad = await createSquad(session, 3, { model: 'offline:400ms' });
    const { execution } = await submitTask(session, squad.id, 'Stream me'); // taken by the first gateway

    // Live on the second gateway: drop after the first agent message, while the run goes on.
    const before = await readEvents(second!, execution.id, { stopWhen: (events) => events.some((event) => event.type === 'message') });
    expect(before.end).toBe('stopped');
    const runningWhenDropped = (await first!.get<{ status: string }>(`/v1/executions/${execution.id}`)).body.status;
    expect(runningWhenDropped).toBe('running');

    const lastSeen = before.events.at(-1)!.id;
    const after = await readEvents(first!, execution.id, { lastEventId: lastSeen });
    expect(after.end).toBe('closed');

    const ids = [...before.events, ...after.events].map((event) => event.id);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, index) => index + 1));
    expect([...before.events, ...after.events].filter((event) => event.type === 'message')).toHaveLength(3);
    expect(after.events.at(-1)!.type).toBe('done');
    expect((await finished(session, execution.id)).status).toBe('completed');
  });
});
