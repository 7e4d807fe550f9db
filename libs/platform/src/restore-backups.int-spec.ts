import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig, DOMAINS, ROLES, envSchema, type DatabaseTarget, type Domain } from '@agent-squad/config';
import { backupFolder, DatabaseConnections, DomainBackupJob } from '@agent-squad/database';
import { InlineQueue } from '@agent-squad/queue';
import { ManualClock, ScratchDatabase } from '@agent-squad/testing';
import { Client } from 'pg';
import { restoreBackups } from './restore-backups';


describe('restoreBackups (npm run restore)', () => {
  const [source, target] = [new ScratchDatabase(), new ScratchDatabase()];
  const dir = mkdtempSync(join(tmpdir(), 'asq-restore-'));
  const databases = Object.fromEntries(DOMAINS.map((domain) => [domain, { kind: 'postgres', url: source.url }])) as Record<Domain, DatabaseTarget>;
  const config = new AppConfig([...ROLES], envSchema.parse({ BACKUP_DIR: dir }), databases, { kind: 'local' }, { kind: 'inline' }, 'x'.repeat(32));
  const from = new DatabaseConnections(config);
  const env = { DATABASE_URL: target.url, JWT_SECRET: 'x'.repeat(32), DATA_DIR: dir };

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(async () => {
    await from.onApplicationShutdown();
    await Promise.all([source.drop(), target.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the backups the jobs wrote into a fresh database, once', async () => {
    const userId = randomUUID();
    await from.session('billing', (sql) => sql.query(`INSERT INTO billing.accounts ("userId", plan) VALUES ($1, 'pro')`, [userId]));
    await from.session('integration', (sql) =>
      sql.query(`INSERT INTO integration.integrations (id, "ownerId", "squadId", kind, target, secret) VALUES ($1, $2, $3, 'jira', 'SHOP', 'secret')`, [randomUUID(), userId, randomUUID()]),
    );
    const at = new Date('2026-03-01T00:00:00Z');
    const [queue, clock] = [new InlineQueue({ concurrency: 1 }), new ManualClock(at.getTime())];
    const folders = [];
    for (const domain of ['billing', 'integration'] as const) folders.push(await new DomainBackupJob(domain, from, queue, config, clock).backup());
    await queue.close();
    expect(folders).toEqual([backupFolder(dir, 'billing', at), backupFolder(dir, 'integration', at)]);

    await restoreBackups(env, folders);

    const restored = new Client({ connectionString: target.url });
    await restored.connect();
    try {
      expect((await restored.query('SELECT "userId", plan FROM billing.accounts')).rows).toEqual([{ userId, plan: 'pro' }]);
      expect((await restored.query('SELECT target FROM integration.integrations')).rows).toEqual([{ target: 'SHOP' }]);
    } finally {
      await restored.end();
    }
    await expect(restoreBackups(env, folders)).rejects.toThrow('billing.accounts already holds rows');
    await expect(restoreBackups(env, [])).rejects.toThrow('Name the backup folders');
  });
});
