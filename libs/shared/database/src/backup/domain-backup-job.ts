import { renameSync } from 'node:fs';
import { Logger, type OnApplicationBootstrap, type Provider } from '@nestjs/common';
import { AppConfig, type Domain } from '@agent-squad/config';
import { Clock, JobQueue, QUEUES, runEvery } from '@agent-squad/queue';
import { DatabaseConnections } from '../database-connections';
import { backupFolder, PARTIAL_SUFFIX, pruneBackups } from './backup-folders';
import { exportDomain } from './export-domain';

/**
 * A domain's scheduled backup (`<domain>.backup`, every BACKUP_EVERY_MS): the domain's own tables,
 * exported by a process that hosts the domain into BACKUP_DIR, keeping the newest BACKUP_KEEP.
 */
export class DomainBackupJob implements OnApplicationBootstrap {
  private readonly logger: Logger;

  constructor(
    private readonly domain: Domain,
    private readonly connections: DatabaseConnections,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.logger = new Logger(`${DomainBackupJob.name}:${domain}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.hosts(this.domain)) return;
    await runEvery(this.queue, QUEUES.backup[this.domain], this.config.env.BACKUP_EVERY_MS, () => this.backup());
  }

  /** Writes one backup and returns its folder. */
  async backup(): Promise<string> {
    const at = new Date(this.clock.now());
    const { backupDir, env } = this.config;
    const folder = backupFolder(backupDir, this.domain, at);
    const partial = `${folder}${PARTIAL_SUFFIX}`;
    const manifest = await this.connections.session(this.domain, (session) => exportDomain(session, this.domain, partial, at));
    renameSync(partial, folder);
    pruneBackups(backupDir, this.domain, env.BACKUP_KEEP);
    const rows = manifest.tables.reduce((sum, table) => sum + table.rows, 0);
    this.logger.log(`backed up ${manifest.tables.length} tables (${rows} rows) to ${folder}`);
    return folder;
  }
}

/** The provider a domain module lists to back up its own tables. */
export function domainBackupJob(domain: Domain): Provider {
  return {
    provide: DomainBackupJob,
    inject: [DatabaseConnections, JobQueue, AppConfig, Clock],
    useFactory: (connections: DatabaseConnections, queue: JobQueue, config: AppConfig, clock: Clock) => new DomainBackupJob(domain, connections, queue, config, clock),
  };
}
