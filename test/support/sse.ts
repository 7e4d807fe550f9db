import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { type Api } from './http';

/** One parsed event of an execution's stream. */
export interface SseEvent {
  /** NaN for the unnumbered `delta` events. */
  id: number;
  type: string;
  data: Record<string, unknown>;
}

export interface SseReadOptions {
  /** Sent as `Last-Event-ID`: the server resumes after this id. */
  lastEventId?: number | string;
  /** Disconnect as soon as this holds for the events received so far. */
  stopWhen?: (events: SseEvent[]) => boolean;
  timeoutMs?: number;
  /** Also receive the unnumbered `delta` events (`?deltas=true`). */
  deltas?: boolean;
}

export interface SseRead {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  /** `closed`: the server ended the stream; `stopped`: `stopWhen` held and the client disconnected. */
  end: 'closed' | 'stopped';
  /** The body of a non-200 answer. */
  text: string;
}

/** Reads `GET /v1/executions/:id/events` over fetch, until the server closes it or `stopWhen` holds. */
export async function readEvents(api: Api, executionId: string, options: SseReadOptions = {}): Promise<SseRead> {
  const { timeoutMs = 20_000 } = options;
  const path = `/v1/executions/${executionId}/events${options.deltas ? '?deltas=true' : ''}`;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const events: SseEvent[] = [];
  const comments: string[] = [];
  try {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (api.token) headers['authorization'] = `Bearer ${api.token}`;
    if (options.lastEventId !== undefined) headers['last-event-id'] = String(options.lastEventId);
    const response = await fetch(api.url(path), { headers, signal: abort.signal });
    const base = { status: response.status, headers: response.headers, events, comments };
    if (response.status !== 200 || !response.body) return { ...base, end: 'closed', text: await response.text() };
    const parser = createParser({ onEvent: (message) => events.push(toEvent(message)), onComment: (comment) => comments.push(comment) });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return { ...base, end: 'closed', text: '' };
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      if (options.stopWhen?.(events)) {
        abort.abort();
        return { ...base, end: 'stopped', text: '' };
      }
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
    const sawDone = events.some((event) => event.type === 'done');
    const why = sawDone ? 'the stream stayed open after `done`' : 'no `done` arrived';
    throw new Error(`GET ${path}: ${why} within ${timeoutMs} ms; events so far: ${summarize(events)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the whole stream (waiting for the execution to finish) and checks it ends with `done`. */
export async function awaitDone(api: Api, executionId: string, options: Omit<SseReadOptions, 'stopWhen'> = {}): Promise<SseEvent[]> {
  const read = await readEvents(api, executionId, options);
  if (read.status !== 200) throw new Error(`GET /v1/executions/${executionId}/events answered ${read.status}: ${read.text}`);
  const last = read.events[read.events.length - 1];
  if (last?.type !== 'done') throw new Error(`the stream of ${executionId} closed without \`done\`: ${summarize(read.events)}`);
  return read.events;
}

export function summarize(events: SseEvent[]): string {
  return events.map((event) => `${event.id}:${event.type}${typeof event.data['status'] === 'string' ? `(${event.data['status']})` : ''}`).join(' ') || '(none)';
}

function toEvent(message: EventSourceMessage): SseEvent {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(message.data) as Record<string, unknown>;
  } catch {
    data = { unparsed: message.data };
  }
  return { id: Number(message.id), type: message.event ?? 'message', data };
}
