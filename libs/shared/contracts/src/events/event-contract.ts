/**
 * Events between domains. A durable event is written to its producer's outbox in the same
 * transaction as its cause and delivered at least once (consumers dedupe by `id`); a live event is
 * a best-effort broadcast (progress for streaming clients), whose loss a reader repairs from the
 * database.
 */
export interface DurableEventContract<T> {
  readonly kind: 'durable';
  readonly subject: string;
  /** Phantom field carrying the payload type. */
  readonly _payload?: T;
}

export interface DurableEvent<T> {
  /** Unique per event: the dedupe key of every consumer. */
  id: string;
  subject: string;
  occurredAt: string;
  payload: T;
}

export function defineDurableEvent<T>(subject: string): DurableEventContract<T> {
  return { kind: 'durable', subject };
}
