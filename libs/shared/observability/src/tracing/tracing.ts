import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

export interface TracingOptions {
  /** OTLP/HTTP base URL; spans are posted as JSON to `<endpoint>/v1/traces`. */
  endpoint: string;
  serviceName: string;
  /** How long finished spans wait to be exported in one batch. */
  exportDelayMs: number;
}

interface Sdk {
  shutdown(): Promise<void>;
}

let sdk: Sdk | undefined;

/**
 * Whether this process records spans. Call sites check it first so that, off, a request creates
 * no span objects and no context at all (the product's default).
 */
export function tracingOn(): boolean {
  return sdk !== undefined;
}

/**
 * Starts the OpenTelemetry SDK (W3C trace context, OTLP/HTTP exporter, no auto-instrumentation:
 * the platform opens its own spans at the hops that matter). Loaded only when tracing is on, so
 * a process without it never loads the SDK.
 */
export async function startTracing(options: TracingOptions): Promise<void> {
  if (sdk) return;
  const [{ NodeSDK }, { OTLPTraceExporter }, { BatchSpanProcessor }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const started = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: options.exportDelayMs })],
    instrumentations: [],
  });
  started.start();
  sdk = started;
}

/** Exports the spans still buffered, then stops recording (part of a graceful shutdown). */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

export interface SpanSpec {
  kind: SpanKind;
  attributes?: Attributes;
  /** The remote parent (from a message's headers); default: the span active here. */
  parent?: Context;
}

/** Opens a span (tracing must be on) and the context in which it is the active one; the caller ends it. */
export function openSpan(name: string, spec: SpanSpec): { span: Span; context: Context } {
  const parent = spec.parent ?? context.active();
  const span = trace.getTracer('agent-squad').startSpan(name, { kind: spec.kind, attributes: spec.attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Ends a span as failed by `error`. */
export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.end();
}

/**
 * Runs `work` in a span named `name` when tracing is on (the span is active inside `work`, ends
 * with it, and records its error); off, it is just `work()`.
 */
export function traced<T>(name: string, spec: SpanSpec, work: (span?: Span) => Promise<T>): Promise<T> {
  if (!sdk) return work();
  const opened = openSpan(name, spec);
  return context.with(opened.context, () => work(opened.span)).then(
    (result) => {
      opened.span.end();
      return result;
    },
    (error: unknown) => {
      failSpan(opened.span, error);
      throw error;
    },
  );
}

/** Runs `fn` with `active` as the current context (e.g. the rest of a request's hooks). */
export function runInContext<T>(active: Context, fn: () => T): T {
  return context.with(active, fn);
}

export { SpanKind, SpanStatusCode };
export type { Context as TraceContext, Span };
