import type { DurableEvent, DurableEventContract } from '@agent-squad/contracts';

const TOKEN = /^[^\s.*>]+$/;

/** The same subject rules on both buses, so code that works embedded works over NATS. */
export function assertSubject(subject: string, allowWildcards: boolean): void {
  const tokens = subject.split('.');
  const valid = tokens.every((token, index) => TOKEN.test(token) || (allowWildcards && (token === '*' || (token === '>' && index === tokens.length - 1))));
  if (!valid) throw new Error(`Invalid ${allowWildcards ? 'subscription' : 'publish'} subject "${subject}"`);
}

const CONSUMER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The events as a list, each checked to be of `contract`. */
export function durableEvents<T>(contract: DurableEventContract<T>, events: DurableEvent<T> | readonly DurableEvent<T>[]): readonly DurableEvent<T>[] {
  const list = Array.isArray(events) ? (events as readonly DurableEvent<T>[]) : [events as DurableEvent<T>];
  for (const event of list) if (event.subject !== contract.subject) throw new Error(`Event ${event.id} has subject ${event.subject}, not ${contract.subject}`);
  return list;
}

export function assertConsumerName(name: string): void {
  if (!CONSUMER_NAME.test(name)) throw new Error(`Invalid durable consumer name "${name}" (letters, digits, _ and -)`);
}
