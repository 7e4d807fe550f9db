import { AppError } from '@agent-squad/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Lists ordered by id (UUIDv7, time-ordered) use the last id as the cursor. */
export function idCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  if (!UUID.test(cursor)) throw AppError.validation([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
  return cursor;
}

/** Lists ordered by a sequence number use the last number as the cursor. */
export function seqCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const seq = Number(cursor);
  if (!Number.isSafeInteger(seq) || seq < 0) throw AppError.validation([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
  return seq;
}
