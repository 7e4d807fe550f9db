import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Domain } from '@agent-squad/config';

export const BACKUP_FORMAT = 'agent-squad-backup/1';
export const MANIFEST_FILE = 'manifest.json';

export interface BackupTable {
  name: string;
  columns: string[];
  /** One JSON object per row and line (`to_jsonb` of the row), in the backup's folder. */
  file: string;
  rows: number;
  sha256: string;
}

/** What a backup folder holds; written last, so a folder with a manifest is complete. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  domain: Domain;
  createdAt: string;
  /** The migrations applied to the database backed up: a restore target needs at least these. */
  migrations: string[];
  /** In restore order: parents before the tables that reference them. */
  tables: BackupTable[];
}

export function readManifest(folder: string): BackupManifest {
  const manifest = JSON.parse(readFileSync(join(folder, MANIFEST_FILE), 'utf8')) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT) throw new Error(`${folder} is not a backup this version restores (format ${String(manifest.format)}, expected ${BACKUP_FORMAT})`);
  return manifest;
}
