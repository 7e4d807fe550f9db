/**
 * Error codes of a dependency that is away or saturated (database unreachable, pool exhausted,
 * connection dropped). Such a fault is answered 503 "retry shortly", not 500: nothing is wrong
 * with the request or the code.
 */
const DEPENDENCY_ERROR_CODES = new Set([
  'P1001', // Prisma: cannot reach the database server
  'P1002', // Prisma: the database server timed out
  'P1008', // Prisma: operation timed out
  'P1017', // Prisma: the server closed the connection
  'P2024', // Prisma: timed out waiting for a pooled connection
  'P2028', // Prisma: transaction API error (e.g. no connection to start one in time)
  '53300', // PostgreSQL: too many connections
  '57P01', // PostgreSQL: terminated by an administrator (restart)
  '57P03', // PostgreSQL: cannot connect now (starting up)
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

interface CodedError {
  code?: unknown;
  /** A raw query's failure (Prisma P2010) carries the database's own code here. */
  meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } };
}

export function isDependencyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as CodedError;
  return [code, meta?.code, meta?.driverAdapterError?.cause?.originalCode].some((value) => typeof value === 'string' && DEPENDENCY_ERROR_CODES.has(value));
}
