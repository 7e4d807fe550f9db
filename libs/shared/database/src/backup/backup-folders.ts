import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Domain } from '@agent-squad/config';
import { MANIFEST_FILE } from './backup-manifest';

/** A backup is written under this suffix and renamed when complete. */
export const PARTIAL_SUFFIX = '.partial';

/** `<dir>/<domain>/<UTC time>`: names sort in time order. */
export function backupFolder(dir: string, domain: Domain, at: Date): string {
  return join(dir, domain, at.toISOString().replace(/[:.]/g, '-'));
}

/** The domain's complete backups, oldest first. */
export function completedBackups(dir: string, domain: Domain): string[] {
  return entries(dir, domain).filter((path) => !path.endsWith(PARTIAL_SUFFIX) && existsSync(join(path, MANIFEST_FILE)));
}

/**
 * Keeps the newest `keep` complete backups; deletes older ones, and unfinished ones older than the
 * newest complete backup (a run that died midway). Returns what it deleted.
 */
export function pruneBackups(dir: string, domain: Domain, keep: number): string[] {
  const complete = completedBackups(dir, domain);
  const newest = complete.at(-1);
  const abandoned = newest ? entries(dir, domain).filter((path) => path.endsWith(PARTIAL_SUFFIX) && path < newest) : [];
  const expired = complete.slice(0, Math.max(0, complete.length - keep));
  for (const path of [...expired, ...abandoned]) rmSync(path, { recursive: true, force: true });
  return [...expired, ...abandoned];
}

function entries(dir: string, domain: Domain): string[] {
  const root = join(dir, domain);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, entry.name))
    .sort();
}
