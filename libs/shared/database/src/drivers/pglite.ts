import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';

/**
 * Opens (creating if needed) the folder-backed PGlite holding every domain's tables in the
 * embedded shape. pgvector is loaded so migrations may `CREATE EXTENSION vector`.
 */
export async function openPglite(dataDir: string): Promise<PGlite> {
  mkdirSync(dataDir, { recursive: true });
  return PGlite.create({ dataDir, extensions: { vector } });
}
