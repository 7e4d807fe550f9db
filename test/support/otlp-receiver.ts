import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as the processes exported it (OTLP/HTTP JSON), with the service that sent it. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }[] }[];
  }[];
}

/**
 * A local OTLP/HTTP trace receiver for tests: every process of a stack exports its spans here
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`), and a test awaits the spans it expects.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver(createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/v1/traces') receiver.accept(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpJson);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    }));
    receiver.server.listen(0, '127.0.0.1');
    await once(receiver.server, 'listening');
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves with the spans once `accept` holds for them; rejects after `timeoutMs`. */
  async waitFor(what: string, accept: (spans: ReceivedSpan[]) => boolean, timeoutMs = 30_000): Promise<ReceivedSpan[]> {
    if (accept(this.spans)) return this.spans;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!accept(this.spans)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.spans);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms; spans: ${this.spans.map((span) => `${span.service}:${span.name}`).join(', ')}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private accept(body: OtlpJson): void {
    for (const resourceSpans of body.resourceSpans ?? []) {
      const service = resourceSpans.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '?';
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({ service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, kind: span.kind });
        }
      }
    }
    for (const waiter of [...this.waiters]) waiter();
  }
}
