import { Logger } from '@nestjs/common';
import { loadConfig, ROLES } from '@agent-squad/config';
import { DatabaseConnections, readManifest, restoreDomain } from '@agent-squad/database';

/**
 * Loads backup folders (`<BACKUP_DIR>/<domain>/<time>`, as the backup jobs write them) into the
 * databases the environment configures, the same way the apps reach them: each domain is migrated
 * first and must hold no rows yet. The embedded shape's PGlite folder opens in one process only,
 * so stop the app first.
 */
export async function restoreBackups(env: NodeJS.ProcessEnv, folders: readonly string[]): Promise<void> {
  if (folders.length === 0) throw new Error('Name the backup folders to restore, e.g. data/backups/core/2026-03-01T00-00-00-000Z');
  const logger = new Logger('Restore');
  const connections = new DatabaseConnections(loadConfig(env, ROLES));
  try {
    for (const folder of folders) {
      const { domain } = readManifest(folder);
      const manifest = await connections.session(domain, (session) => restoreDomain(session, domain, folder));
      logger.log(`${domain}: restored ${manifest.tables.reduce((rows, table) => rows + table.rows, 0)} rows in ${manifest.tables.length} tables from ${folder}`);
    }
  } finally {
    await connections.onApplicationShutdown();
  }
}
