import { type PrismaClientLike } from '../prisma-client';
import { withPoolTimeoutCode } from '../prisma-errors';
import { type DomainRouter } from './domain-router';
import { READ_OPERATIONS } from './measured-client';

/** Client members that always run on the (current user's) primary. */
const WRITER_MEMBERS: ReadonlySet<PropertyKey> = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe']);

type Members = Record<PropertyKey, unknown>;
const isDelegate = (value: unknown): value is Members => typeof value === 'object' && value !== null && typeof (value as Members)['findMany'] === 'function';

/**
 * The client a domain sees: its primary's client, with each model's reads and the writer members
 * sent where `router` says. Domain code uses it as a plain Prisma client (`db.squad.findMany`,
 * `db.$transaction`), so the routing needs no change to it. Reads inside a transaction run on
 * the transaction's connection, the primary, as they must.
 */
export function routedClient<T extends PrismaClientLike>(router: DomainRouter, options: { primaryReads: ReadonlySet<string> }): T {
  const home = router.home as unknown as Members;
  const delegates = new Map<string, Members>();
  const delegate = (model: string, homeDelegate: Members): Members => {
    let routed = delegates.get(model);
    if (routed) return routed;
    const readsRouted = router.routesReads && !options.primaryReads.has(model);
    routed = new Proxy(homeDelegate, {
      get(target, operation) {
        if (router.sharded) {
          return (args: unknown) => ((router.writer() as unknown as Record<string, Members>)[model]![operation as string] as (args: unknown) => unknown)(args);
        }
        if (readsRouted && typeof operation === 'string' && READ_OPERATIONS.has(operation)) return (args: unknown) => router.read(model, operation, args);
        return Reflect.get(target, operation);
      },
    });
    delegates.set(model, routed);
    return routed;
  };
  return new Proxy(home, {
    get(target, member) {
      if (member === '$transaction') {
        const writer = router.writer() as unknown as Members;
        // Waiting for a connection to start the transaction ends as a dependency error, as a query's does.
        return (...args: unknown[]) => (writer[member] as (...args: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => Promise.reject(withPoolTimeoutCode(error)));
      }
      if (WRITER_MEMBERS.has(member)) {
        const writer = router.writer() as unknown as Members;
        return (writer[member] as (...args: unknown[]) => unknown).bind(writer);
      }
      const value = Reflect.get(target, member);
      if (typeof member === 'string' && !member.startsWith('$') && isDelegate(value)) return delegate(member, value);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as T;
}
