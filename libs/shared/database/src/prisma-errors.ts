/** True when a Prisma write failed on a unique constraint (P2002), whichever adapter ran it. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
