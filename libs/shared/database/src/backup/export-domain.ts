import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Domain } from '@agent-squad/config';
import type { SqlExecutor, SqlSession } from '../migrations/sql-session';
import { quoteIdentifier as quote } from '../quote-identifier';
import { BACKUP_FORMAT, MANIFEST_FILE, type BackupManifest, type BackupTable } from './backup-manifest';
import { schemaTables, type TableInfo } from './schema-tables';

/** Rows read per round trip: bounded memory whatever the table's size. */
const FETCH_SIZE = 1000;

/**
 * Writes every table of the domain's schema into `folder`, one JSON line per row, then the
 * manifest. All tables are read in one repeatable-read snapshot, so the backup is consistent while
 * the platform keeps writing (on PGlite, which has one connection, other queries wait meanwhile).
 */
export async function exportDomain(session: SqlSession, domain: Domain, folder: string, createdAt: Date): Promise<BackupManifest> {
  mkdirSync(folder, { recursive: true });
  let manifest: BackupManifest | undefined;
  await session.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const migrations = await tx.query<{ name: string }>(`SELECT name FROM ${quote(domain)}._migrations ORDER BY name`);
    const tables: BackupTable[] = [];
    for (const table of await schemaTables(tx, domain)) tables.push(await exportTable(tx, domain, table, folder));
    manifest = { format: BACKUP_FORMAT, domain, createdAt: createdAt.toISOString(), migrations: migrations.map((row) => row.name), tables };
  });
  writeFileSync(join(folder, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest!;
}

async function exportTable(tx: SqlExecutor, schema: string, table: TableInfo, folder: string): Promise<BackupTable> {
  const file = `${table.name}.jsonl`;
  const hash = createHash('sha256');
  let rows = 0;
  async function* lines(): AsyncGenerator<string> {
    await tx.exec(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT to_jsonb(t)::text AS line FROM ${quote(schema)}.${quote(table.name)} t`);
    for (let batch = await fetch(); batch.length > 0; batch = await fetch()) {
      const chunk = batch.map((row) => `${row.line}\n`).join('');
      hash.update(chunk);
      rows += batch.length;
      yield chunk;
    }
    await tx.exec('CLOSE backup_rows');
  }
  const fetch = () => tx.query<{ line: string }>(`FETCH ${FETCH_SIZE} FROM backup_rows`);
  await pipeline(lines(), createWriteStream(join(folder, file)));
  return { name: table.name, columns: table.columns, file, rows, sha256: hash.digest('hex') };
}
