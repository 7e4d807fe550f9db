import { type PrismaClientLike } from '../prisma-client';
import { withPoolTimeoutCode } from '../prisma-errors';
import { type DatabaseMetrics, type QueryKind } from './database-metrics';
import { currentScope, type WriteRecorder } from './user-scope';

/** The model operations that only read: these may go to a replica. Everything else writes (or may: raw SQL). */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
]);

interface OperationParams {
  model?: string;
  operation: string;
  args: unknown;
  query(args: unknown): Promise<unknown>;
}
interface Extendable {
  $extends(extension: { query: { $allOperations(params: OperationParams): Promise<unknown> } }): unknown;
}

/**
 * `client` timing every operation into the database metrics under `target`. On a primary, an
 * operation other than a model read also marks the current user scope as having written there
 * (raw SQL counts as a write: it may be one).
 */
export function measuredClient<T extends PrismaClientLike>(client: T, labels: { domain: string; target: string }, metrics: DatabaseMetrics, writes?: WriteRecorder): T {
  const { domain, target } = labels;
  metrics.watch(domain, target);
  return (client as unknown as Extendable).$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const kind: QueryKind = model !== undefined && READ_OPERATIONS.has(operation) ? 'read' : 'write';
        if (kind === 'write' && writes) currentScope()?.written.add(writes);
        const started = performance.now();
        try {
          return await query(args);
        } catch (error) {
          throw withPoolTimeoutCode(error);
        } finally {
          metrics.observe(domain, target, kind, model === undefined ? operation : `${model}.${operation}`, performance.now() - started);
        }
      },
    },
  }) as T;
}
