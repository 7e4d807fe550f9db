import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE } from './backup-manifest';
import { backupFolder, completedBackups, PARTIAL_SUFFIX, pruneBackups } from './backup-folders';

describe('backup folders', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'asq-backups-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const day = (n: number) => new Date(Date.UTC(2026, 2, n));
  function write(n: number, complete = true): string {
    const folder = backupFolder(dir, 'core', day(n)) + (complete ? '' : PARTIAL_SUFFIX);
    mkdirSync(folder, { recursive: true });
    if (complete) writeFileSync(join(folder, MANIFEST_FILE), '{}');
    return folder;
  }

  it('names a backup by domain and UTC time, in an order that sorts by time', () => {
    expect(backupFolder('/b', 'billing', new Date('2026-03-01T12:30:45.678Z'))).toBe('/b/billing/2026-03-01T12-30-45-678Z');
  });

  it('keeps the newest complete backups and drops older ones and abandoned partial ones', () => {
    for (const n of [1, 2, 3, 4]) write(n);
    write(0, false);
    const running = write(5, false);

    const removed = pruneBackups(dir, 'core', 2);
    expect(removed).toHaveLength(3);
    expect(completedBackups(dir, 'core')).toEqual([3, 4].map((n) => backupFolder(dir, 'core', day(n))));
    expect(readdirSync(join(dir, 'core'))).toContain(running.split('/').at(-1));
  });

  it('has nothing to prune before the first backup', () => {
    expect(pruneBackups(dir, 'core', 1)).toEqual([]);
    expect(completedBackups(dir, 'core')).toEqual([]);
  });
});
