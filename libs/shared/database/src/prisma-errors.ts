/**
 * True when a Prisma write failed on a unique constraint, whichever adapter ran it: P2002 from the
 * model API, or a raw query (P2010) whose driver reports a unique constraint violation.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  return code === 'P2002' || (code === 'P2010' && meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation');
}
