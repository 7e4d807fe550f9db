import { Decimal } from '@prisma/client/runtime/client';
import { types as pgTypes, type Pool } from 'pg';
import { type PgliteStatements } from '../drivers/pglite-statements';
import { type StatementNames } from '../drivers/statement-names';
import { type RawStatement } from './raw-statement';

export interface RawResult {
  rows: Record<string, unknown>[];
  /** What `$executeRaw` answers: the rows the statement affected, as each Prisma adapter counts them. */
  rowCount: number;
}

/** Runs one raw statement on a database, straight on its driver. */
export type RawDriver = (statement: RawStatement) => Promise<RawResult>;

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114 } as const;

/**
 * Columns read as Prisma's `$queryRaw` gives them, so raw SQL answers the same whichever way it
 * runs: int8 as bigint, numeric as Decimal, and the zone-less date and timestamp as UTC instants
 * (timestamptz, json and arrays already parse alike in both drivers).
 */
const PARSERS: Record<number, (text: string) => unknown> = {
  [OID.int8]: (text) => BigInt(text),
  [OID.numeric]: (text) => new Decimal(text),
  [OID.date]: (text) => new Date(`${text}T00:00:00Z`),
  [OID.timestamp]: (text) => new Date(`${text.replace(' ', 'T')}Z`),
};

/** On a pg pool, as a named prepared statement while `names` has room for its text. */
export function pgRawDriver(pool: Pool, names: StatementNames): RawDriver {
  const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => PARSERS[oid] ?? pgTypes.getTypeParser(oid, format) };
  return async ({ text, values }) => {
    const result = await pool.query({ name: names.nameFor(text), text, values, types });
    return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? 0 };
  };
}

/** On PGlite, through the process's one set of prepared statements there. */
export function pgliteRawDriver(statements: PgliteStatements): RawDriver {
  return async ({ text, values }) => {
    const result = await statements.run(text, values, PARSERS);
    return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
  };
}
