import { context, propagation, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { currentRequestId, runInRequest } from '../context/request-context';
import { traced, tracingOn, type SpanSpec } from './tracing';

/** The header (and job field) names a request's identity travels in between processes. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Plain string fields: NATS headers and job data carry the same map. */
export type Carrier = Record<string, string>;

/**
 * The current request id and W3C trace context (`traceparent`, `tracestate`) to send along with
 * a message, or undefined when there is nothing to send (no request, tracing off).
 */
export function outgoingCarrier(): Carrier | undefined {
  const requestId = currentRequestId();
  if (!requestId && !tracingOn()) return undefined;
  const carrier: Carrier = requestId ? { [REQUEST_ID_HEADER]: requestId } : {};
  if (tracingOn()) propagation.inject(context.active(), carrier);
  return carrier;
}

/** The remote parent a received carrier names (ROOT when none). */
export function incomingContext(carrier: Carrier): Context {
  return tracingOn() ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}

/** The active span's trace id, for log lines; undefined when not tracing. */
export function currentTraceId(): string | undefined {
  if (!tracingOn()) return undefined;
  return trace.getSpan(context.active())?.spanContext().traceId;
}

/** `traceparent` of the active span: the response header that lets a client find its trace. */
export function currentTraceparent(): string | undefined {
  const carrier: Carrier = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'];
}

/**
 * Handles a message received from another process (an RPC call, a job) as the continuation of
 * what sent it: under the sender's request id, in a span whose parent is the sender's span (a
 * trace of its own when nothing was sent along, e.g. a job the reconciler added).
 */
export function continueFrom<T>(carrier: Carrier | undefined, name: string, spec: Omit<SpanSpec, 'parent'>, work: () => Promise<T>): Promise<T> {
  if (!carrier) return traced(name, { ...spec, parent: ROOT_CONTEXT }, () => work());
  const run = () => traced(name, { ...spec, parent: incomingContext(carrier) }, () => work());
  const requestId = carrier[REQUEST_ID_HEADER];
  return requestId ? runInRequest(requestId, run) : run();
}
