import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JobQueue, QUEUES, type Job } from '@agent-squad/queue';
import { IntelligenceDb } from '../intelligence-db';
import { DocumentIndexer } from './document-indexer';

export const DOCUMENT_JOB_ATTEMPTS = 5;

/** The `intelligence.documents` queue (RAG document processing): indexes each added document; after the last failed try it is marked `failed` with the error. */
@Injectable()
export class DocumentWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(DocumentWorker.name);

  constructor(
    private readonly db: IntelligenceDb,
    private readonly queue: JobQueue,
    private readonly indexer: DocumentIndexer,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.process(QUEUES.documents, (job) => this.handle(job));
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
