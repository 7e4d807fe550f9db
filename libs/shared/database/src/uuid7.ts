import { randomUUID } from 'node:crypto';

/**
 * A time-ordered UUID (version 7), as Prisma's `@default(uuid(7))` makes: rows written with raw
 * SQL get ids of the same kind as every other row. The random bits come from `randomUUID`, which
 * draws on a cached entropy pool instead of asking the system for bytes on every call.
 */
export function uuid7(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  const random = randomUUID();
  // random: xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx (V is already the RFC 9562 variant)
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}
