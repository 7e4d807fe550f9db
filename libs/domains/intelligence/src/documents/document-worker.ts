import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JobQueue, QUEUES, runEvery, type Job } from '@agent-squad/queue';
import { IntelligenceDb } from '../intelligence-db';
import { DocumentIndexer } from './document-indexer';

export const DOCUMENT_JOB_ATTEMPTS = 5;
/** A document still `processing` this long after it was added has lost its job (e.g. Redis lost it). */
const REDISPATCH_AFTER_MS = 10 * 60_000;
const REDISPATCH_EVERY_MS = 60_000;

/**
 * The `intelligence.documents` queue (RAG document processing): indexes each added document;
 * after the last failed try it is marked `failed` with the error. The database, not the queue, is
 * the source of truth: `intelligence.document-redispatch` queues again every minute the documents
 * whose job was lost.
 */
@Injectable()
export class DocumentWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(DocumentWorker.name);

  constructor(
    private readonly db: IntelligenceDb,
    private readonly queue: JobQueue,
    private readonly indexer: DocumentIndexer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queue.process(QUEUES.documents, (job) => this.handle(job));
    await runEvery(this.queue, QUEUES.documentRedispatch, REDISPATCH_EVERY_MS, () => this.redispatch());
  }

  /** Adding a job that is still waiting or running does nothing (same job id), so a slow one is not doubled. */
  async redispatch(): Promise<void> {
    const stale = await this.db.document.findMany({ where: { status: 'processing', createdAt: { lt: new Date(Date.now() - REDISPATCH_AFTER_MS) } }, select: { id: true }, take: 1000 });
    for (const { id } of stale) await this.queue.add(QUEUES.documents, { documentId: id }, { jobId: documentJobId(id), attempts: DOCUMENT_JOB_ATTEMPTS });
  }

  async handle(job: Job<{ documentId: string }>): Promise<void> {
    try {
      await this.indexer.index(job.data.documentId);
    } catch (error) {
      if (job.attempt < DOCUMENT_JOB_ATTEMPTS) throw error;
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`document ${job.data.documentId} failed: ${message}`);
      await this.db.document.updateMany({ where: { id: job.data.documentId, status: 'processing' }, data: { status: 'failed', error: message.slice(0, 1000) } });
    }
  }
}

export function documentJobId(documentId: string): string {
  return `document-${documentId}`;
}
