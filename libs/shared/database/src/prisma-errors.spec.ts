import { isRefusedForItsRows } from './prisma-errors';

/** A raw query's failure as Prisma reports it through the pg driver adapter. */
const rawQueryFailed = (cause: Record<string, unknown>) => Object.assign(new Error('Raw query failed'), { code: 'P2010', meta: { driverAdapterError: { cause } } });

describe('isRefusedForItsRows', () => {
  it.each([
    ['a unique violation in a raw query', rawQueryFailed({ kind: 'UniqueConstraintViolation', originalCode: '23505' })],
    ['a foreign key violation in a raw query', rawQueryFailed({ kind: 'ForeignKeyConstraintViolation', originalCode: '23503' })],
    ['a deadlock in a raw query', rawQueryFailed({ kind: 'TransactionWriteConflict', originalCode: '40P01' })],
    ['a unique violation from the model API', Object.assign(new Error('Unique constraint failed'), { code: 'P2002' })],
    ['a check violation from the driver itself', Object.assign(new Error('violates check constraint'), { code: '23514', severity: 'ERROR' })],
  ])('is true for %s', (_, error) => expect(isRefusedForItsRows(error)).toBe(true));

  it.each([
    ['a lost connection', rawQueryFailed({ kind: 'ConnectionClosed' })],
    ['an unreachable server', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['no connection free in the pool', Object.assign(new Error('timeout exceeded when trying to connect'), { code: 'P2024' })],
    ['a syntax error', rawQueryFailed({ kind: 'postgres', code: '42601', originalCode: '42601' })],
    ['something that is not an error', 'boom'],
  ])('is false for %s', (_, error) => expect(isRefusedForItsRows(error)).toBe(false));
});
