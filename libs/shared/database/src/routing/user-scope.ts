import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseTarget } from '@agent-squad/config';

/** Something that wrote during a scope and must remember the write's position for the user. */
export interface WriteRecorder {
  recordWrite(userId: string): Promise<void>;
}

/**
 * The user a piece of work runs for, and what it wrote. Reads see it through AsyncLocalStorage, so
 * domain code keeps passing its `ownerId` as before and the routing needs no extra argument.
 */
export class UserScope {
  readonly written = new Set<WriteRecorder>();
  constructor(public userId: string | undefined) {}
}

const storage = new AsyncLocalStorage<UserScope>();

export function currentScope(): UserScope | undefined {
  return storage.getStore();
}

/**
 * Runs `work` for `userId` (undefined: a user not known yet, e.g. signing up). Once it is done,
 * whatever it wrote is remembered for that user — or for the user `principalOf(result)` names — so
 * the user's next reads see it (read-your-writes).
 */
export async function runAsUser<T>(userId: string | undefined, work: () => Promise<T>, principalOf: (result: T) => string | undefined = () => undefined): Promise<T> {
  const scope = new UserScope(userId);
  // Awaited inside the scope: a Prisma query is lazy and runs when awaited, which must be in it.
  const result = await storage.run(scope, async () => await work());
  const user = userId ?? principalOf(result);
  if (user) await Promise.all([...scope.written].map((recorder) => recorder.recordWrite(user)));
  return result;
}

const idField = (value: unknown, field: string): string | undefined => {
  const id = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
  return typeof id === 'string' ? id : undefined;
};

/** The user a call is made for: its request's `ownerId` or `userId`. */
const requestUser = (request: unknown) => idField(request, 'ownerId') ?? idField(request, 'userId');
/**
 * For a call whose request names no user yet (signing up, authenticating), the user its answer
 * names: a principal's `userId`, or the user itself (`id`).
 */
const answerUser = (answer: unknown) => idField(answer, 'userId') ?? idField(answer, 'id');

/** True when reads of `target` depend on the user they are made for: it has replicas, or shards. */
export function routesByUser(target: DatabaseTarget): boolean {
  return target.kind === 'postgres' && ((target.replicas?.length ?? 0) > 0 || (target.shards?.length ?? 0) > 1);
}

/**
 * `service` with every method run as the user its request names (`ownerId` / `userId`): serve a
 * domain's services through it so their reads may use replicas and their writes are read back.
 * Methods of a request naming no user run unscoped (reads on the primary).
 */
export function userScoped<T extends object>(service: T): T {
  return new Proxy(service, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (request: unknown, ...rest: unknown[]) =>
        runAsUser(requestUser(request), async () => (value as (...args: unknown[]) => unknown).apply(target, [request, ...rest]), answerUser);
    },
  });
}
