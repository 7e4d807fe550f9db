/** Promise plumbing for tests that await events instead of sleeping. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Resolves with the first `count` values passed to `push`. */
export function collector<T>(count: number): { push: (value: T) => void; done: Promise<T[]> } {
  const values: T[] = [];
  const all = deferred<T[]>();
  return {
    push: (value) => {
      values.push(value);
      if (values.length === count) all.resolve(values);
    },
    done: all.promise,
  };
}
