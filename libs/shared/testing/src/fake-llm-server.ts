import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  body: Record<string, unknown>;
  at: number;
}

export type FakeHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

/**
 * A local HTTP server for provider adapter tests: each request goes to the next queued handler
 * (the last one repeats), and is recorded with its parsed JSON body and arrival time.
 */
export class FakeLlmServer {
  readonly requests: RecordedRequest[] = [];
  private handlers: FakeHandler[] = [];
  private readonly sockets = new Set<import('node:net').Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeLlmServer> {
    const server = createServer();
    const fake = new FakeLlmServer(server);
    server.on('request', (request, response) => void fake.handle(request, response));
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.once('close', () => fake.sockets.delete(socket));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The handlers for the next requests, in order; the last one answers every request after them. */
  answer(...handlers: FakeHandler[]): void {
    this.handlers = handlers;
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const recorded = { path: request.url ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, at: performance.now() };
    this.requests.push(recorded);
    const handler = this.handlers.length > 1 ? this.handlers.shift()! : this.handlers[0];
    if (!handler) return void response.writeHead(500).end('no handler');
    await handler(recorded, response);
  }
}

/** Writes server-sent events; `event` lines only when named (Anthropic names them, OpenAI does not). */
export function sse(response: ServerResponse): { send(data: unknown, event?: string): void; raw(text: string): void; end(): void } {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.flushHeaders();
  return {
    send: (data, event) => response.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`),
    raw: (text) => response.write(text),
    end: () => response.end(),
  };
}

export function jsonError(status: number, message: string, headers: Record<string, string> = {}): FakeHandler {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify({ error: { type: 'error', message } }));
  };
}

/** Accepts the request and never answers: a hung provider. */
export const hang: FakeHandler = () => undefined;
