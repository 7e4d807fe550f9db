import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Domain } from '@agent-squad/config';
import type { SqlExecutor, SqlSession } from '../migrations/sql-session';
import { quoteIdentifier as quote } from '../quote-identifier';
import { readManifest, type BackupManifest, type BackupTable } from './backup-manifest';

/** Rows per INSERT statement. */
const INSERT_BATCH = 500;

/**
 * Loads a backup of `domain` into its database, which must be migrated at least as far as the
 * backup's and hold no rows yet: in one transaction, checksums first, parents before children.
 * Rows are rebuilt by PostgreSQL itself (`jsonb_populate_recordset`), so every type round-trips
 * exactly; columns added by later migrations take their defaults.
 */
export async function restoreDomain(session: SqlSession, domain: Domain, folder: string): Promise<BackupManifest> {
  const manifest = readManifest(folder);
  if (manifest.domain !== domain) throw new Error(`${folder} is a backup of ${manifest.domain}, not of ${domain}`);
  for (const table of manifest.tables) {
    const sha256 = await fileHash(join(folder, table.file));
    if (sha256 !== table.sha256) throw new Error(`${table.file} does not match its checksum in the manifest: the backup is damaged`);
  }
  const applied = new Set((await session.query<{ name: string }>(`SELECT name FROM ${quote(domain)}._migrations`)).map((row) => row.name));
  const missing = manifest.migrations.filter((name) => !applied.has(name));
  if (missing.length > 0) throw new Error(`Apply ${domain}'s migrations first (missing: ${missing.join(', ')})`);
  await session.transaction(async (tx) => {
    for (const table of manifest.tables) await assertEmpty(tx, domain, table.name);
    for (const table of manifest.tables) await insertRows(tx, domain, table, join(folder, table.file));
  });
  return manifest;
}

async function assertEmpty(tx: SqlExecutor, schema: string, table: string): Promise<void> {
  const [row] = await tx.query<{ found: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quote(schema)}.${quote(table)}) AS found`);
  if (row?.found) throw new Error(`${schema}.${table} already holds rows: restore into an empty database`);
}

async function insertRows(tx: SqlExecutor, schema: string, table: BackupTable, path: string): Promise<void> {
  const target = `${quote(schema)}.${quote(table.name)}`;
  const columns = table.columns.map(quote).join(', ');
  const insert = `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM jsonb_populate_recordset(NULL::${target}, $1::jsonb)`;
  let batch: string[] = [];
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line === '') continue;
    batch.push(line);
    if (batch.length === INSERT_BATCH) {
      await tx.query(insert, [`[${batch.join(',')}]`]);
      batch = [];
    }
  }
  if (batch.length > 0) await tx.query(insert, [`[${batch.join(',')}]`]);
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
