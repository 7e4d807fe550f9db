/** A queue and the payload type of its jobs, declared once so producers and workers agree. */
export interface QueueContract<T> {
  readonly name: string;
  /** Phantom field carrying the payload type. */
  readonly _payload?: T;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function defineQueue<T>(name: string): QueueContract<T> {
  if (!NAME.test(name)) throw new Error(`Invalid queue name "${name}" (letters, digits, _ . -)`);
  return { name };
}
