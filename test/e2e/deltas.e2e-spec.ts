import { listMessages, submitTask } from '../support/executions';
import { signUp } from '../support/session';
import { readEvents, type SseEvent } from '../support/sse';
import { createSquad } from '../support/squads';

const isDelta = (event: SseEvent) => event.type === 'delta';

describe('streamed agent text (SSE delta events)', () => {
  it("delivers an agent's text in pieces while the model writes it, before the step's message", async () => {
    const session = await signUp();
    // The offline model streams its answer in pieces spread over its simulated 600 ms.
    const squad = await createSquad(session, 3, { model: 'offline:600ms' });
    const { execution } = await submitTask(session, squad.id);

    const read = await readEvents(session.api, execution.id, { deltas: true });

    expect(read.end).toBe('closed');
    const numbered = read.events.filter((event) => !isDelta(event));
    expect(numbered.map((event) => event.id)).toEqual(numbered.map((_, index) => index + 1));
    // The last agent started well after the stream was open: all its pieces arrived, in order, before its message.
    const messages = await listMessages(session, execution.id);
    const last = messages.at(-1)!;
    const lastMessageAt = read.events.findIndex((event) => event.type === 'message' && event.data['id'] === last.id);
    const pieces = read.events.slice(0, lastMessageAt).filter((event) => isDelta(event) && event.data['memberId'] === last.memberId);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.map((event) => event.data['text']).join('')).toBe(last.content);
    expect(pieces[0]!.data).toEqual({ memberId: last.memberId, stepIndex: 2, role: last.role, text: expect.any(String) });
  });

  it('sends no delta events unless asked', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1, { model: 'offline:200ms' });
    const { execution } = await submitTask(session, squad.id);
    const read = await readEvents(session.api, execution.id);
    expect(read.events.filter(isDelta)).toEqual([]);
  });
});
