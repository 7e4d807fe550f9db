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

/** Runs one database operation timed into the metrics (and, when it may write, marked on the current user scope). */
export type Measure = <T>(kind: QueryKind, operation: string, run: () => Promise<T>) => Promise<T>;

/**
 * Times operations on one database into the metrics under `target`. On a primary, an operation
 * that may write also marks the current user scope as having written there, so the user's next
 * reads see it.
 */
export function measurer(labels: { domain: string; target: string }, metrics: DatabaseMetrics, writes?: WriteRecorder): Measure {
  const series = metrics.target(labels.domain, labels.target);
  return async (kind, operation, run) => {
    if (kind === 'write' && writes) currentScope()?.written.add(writes);
    const started = performance.now();
    try {
      return await run();
    } catch (error) {
      throw withPoolTimeoutCode(error);
    } finally {
      series.observe(kind, operation, performance.now() - started);
    }
  };
}

/** `client` with every operation measured; model reads count as reads, everything else (raw SQL too) as writes. */
export function measuredClient<T extends PrismaClientLike>(client: T, measure: Measure): T {
  return (client as unknown as Extendable).$extends({
    query: {
      $allOperations({ model, operation, args, query }) {
        const kind: QueryKind = model !== undefined && READ_OPERATIONS.has(operation) ? 'read' : 'write';
        return measure(kind, model === undefined ? operation : `${model}.${operation}`, () => query(args));
      },
    },
  }) as T;
}
