import type { ServerResponse } from 'node:http';
import type { ExecutionDelta, ExecutionEvent } from '@agent-squad/contracts';

/** The text/event-stream framing of one connection. */
export class SseWriter {
  constructor(private readonly response: ServerResponse) {}

  open(headers: Record<string, string>): void {
    this.response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Tells NGINX not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    this.response.write('retry: 2000\n\n');
  }

  event(event: ExecutionEvent): void {
    this.response.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
  }

  /** A piece of an agent's text while it is written: no `id:`, so it leaves the client's Last-Event-ID as it was. */
  delta(delta: ExecutionDelta): void {
    this.response.write(`event: delta\ndata: ${JSON.stringify(delta)}\n\n`);
  }

  comment(text: string): void {
    this.response.write(`: ${text}\n\n`);
  }

  onClose(listener: () => void): void {
    this.response.once('close', listener);
  }

  end(): void {
    if (!this.response.writableEnded) this.response.end();
  }

  get closed(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }
}
