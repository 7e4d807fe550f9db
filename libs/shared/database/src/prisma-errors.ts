/**
 * True when a write failed on a unique constraint, whichever way it ran: P2002 from Prisma's model
 * API, a raw query through Prisma (P2010) whose driver reports the violation, or raw SQL run on
 * the driver itself (PostgreSQL's own code).
 */
/** PostgreSQL's SQLSTATE for a unique constraint violation. */
const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  return code === 'P2002' || code === UNIQUE_VIOLATION || (code === 'P2010' && meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation');
}

/**
 * SQLSTATE classes of a statement the server refused for the rows it wrote: data exceptions (22),
 * integrity constraint violations (23), transaction rollbacks such as a deadlock (40).
 */
const ROW_REFUSALS = new Set(['22', '23', '40']);

/** True when the server refused the statement for its rows (not a lost connection, not a timeout waiting for one). */
export function isRefusedForItsRows(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } };
  const sqlState = code === 'P2010' ? meta?.driverAdapterError?.cause?.originalCode : code;
  return code === 'P2002' || code === 'P2003' || (typeof sqlState === 'string' && sqlState.length === 5 && ROW_REFUSALS.has(sqlState.slice(0, 2)));
}

/** What `pg`'s pool throws when no connection frees up within its acquire timeout: a plain Error, no code. */
const POOL_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';

/**
 * Gives a pool acquire timeout Prisma's own code for it (P2024, "timed out fetching a connection
 * from the pool"), so callers see a dependency error (503 "retry shortly"), not an unknown one (500).
 */
export function withPoolTimeoutCode(error: unknown): unknown {
  if (error instanceof Error && error.message === POOL_TIMEOUT_MESSAGE && (error as { code?: unknown }).code === undefined) Object.assign(error, { code: 'P2024' });
  return error;
}
