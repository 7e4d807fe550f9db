import { finished, listMessages, submitTask } from '../support/executions';
import { Api } from '../support/http';
import { signUp } from '../support/session';
import { awaitDone, readEvents, type SseEvent } from '../support/sse';
import { createSquad } from '../support/squads';

const ids = (events: SseEvent[]) => events.map((event) => event.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe('execution event stream (SSE)', () => {
  it('streams status, one message per agent and done, with contiguous ids, then closes', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);
    const { execution } = await submitTask(session, squad.id);

    const read = await readEvents(session.api, execution.id);

    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(read.end).toBe('closed');
    const events = read.events;
    expect(ids(events)).toEqual(range(1, events.length));
    expect(events[0]).toEqual({ id: 1, type: 'status', data: expect.objectContaining({ status: 'queued' }) });
    expect(events[events.length - 1]).toEqual(expect.objectContaining({ type: 'done', data: expect.objectContaining({ status: 'completed' }) }));
    expect(events.filter((event) => event.type === 'done')).toHaveLength(1);
    for (const event of events) expect(['status', 'message', 'done']).toContain(event.type);
    const messages = await listMessages(session, execution.id);
    expect(events.filter((event) => event.type === 'message').map((event) => event.data)).toEqual(messages);
    expect(messages).toHaveLength(2);
  });

  it('replays a finished execution in full and ends with done', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2);
    const { execution } = await submitTask(session, squad.id);
    const live = await awaitDone(session.api, execution.id);

    const replay = await readEvents(session.api, execution.id);

    expect(replay.end).toBe('closed');
    expect(replay.events).toEqual(live);
  });

  it('resumes after Last-Event-ID while running: every later event once, none missing', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 2, { model: 'offline:400ms' });
    const { execution } = await submitTask(session, squad.id);
    const head = await readEvents(session.api, execution.id, { stopWhen: (events) => events.some((event) => event.type === 'message') });
    expect(head.end).toBe('stopped');
    const lastSeen = head.events[head.events.length - 1]!.id;

    const tail = await readEvents(session.api, execution.id, { lastEventId: lastSeen });

    expect(tail.end).toBe('closed');
    expect(ids(tail.events)).toEqual(range(lastSeen + 1, lastSeen + tail.events.length));
    expect(tail.events[tail.events.length - 1]?.type).toBe('done');
    const full = await readEvents(session.api, execution.id);
    expect([...head.events, ...tail.events]).toEqual(full.events);
  });

  it('answers exactly the events after Last-Event-ID on a finished execution', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 3);
    const { execution } = await submitTask(session, squad.id);
    const full = await awaitDone(session.api, execution.id);

    for (const after of [1, 2, full.length - 1]) {
      const read = await readEvents(session.api, execution.id, { lastEventId: after });
      expect(read.end).toBe('closed');
      expect(read.events).toEqual(full.filter((event) => event.id > after));
    }
    expect((await finished(session, execution.id)).status).toBe('completed');
  });

  it('answers 401 without credentials', async () => {
    const session = await signUp();
    const squad = await createSquad(session, 1);
    const { execution } = await submitTask(session, squad.id);

    const read = await readEvents(new Api(), execution.id);

    expect(read.status).toBe(401);
    expect(read.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    await awaitDone(session.api, execution.id);
  });
});
