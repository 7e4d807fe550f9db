import { outgoingCarrier, type Carrier } from '@agent-squad/observability';

/**
 * The job field that carries the adding request's id and trace context to the worker that runs
 * it (BullMQ jobs have no headers). Handlers never see it.
 */
const TRACE_FIELD = '_trace';

/** `data` plus the current trace carrier, when there is one and the payload is an object. */
export function withTraceCarrier<T>(data: T): T {
  const carrier = outgoingCarrier();
  if (!carrier || !isRecord(data)) return data;
  return { ...data, [TRACE_FIELD]: carrier };
}

/** The payload as it was added, and the carrier that came with it. */
export function withoutTraceCarrier<T>(stored: T): { data: T; carrier?: Carrier } {
  if (!isRecord(stored) || !(TRACE_FIELD in stored)) return { data: stored };
  const { [TRACE_FIELD]: carrier, ...data } = stored;
  return { data: data as T, carrier: carrier as Carrier };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
