import { Injectable } from '@nestjs/common';
import {
  AppError,
  DocumentsApi,
  SquadsApi,
  type CreateDocumentInput,
  type DocumentStatus,
  type DocumentSummary,
  type ListQuery,
  type Owned,
  type Page,
  type SearchInput,
  type SearchResults,
} from '@agent-squad/contracts';
import { JobQueue, QUEUES } from '@agent-squad/queue';
import { IntelligenceDb } from '../intelligence-db';
import { Retriever } from '../retrieval/retriever';
import { DOCUMENT_JOB_ATTEMPTS, documentJobId } from './document-worker';

const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface DocumentRow {
  id: string;
  title: string;
  status: string;
  chunkCount: number;
  createdAt: Date;
}

/**
 * A squad's documents: stored at once and indexed in the background (`intelligence.documents`
 * queue); deleted with their chunks in one statement, so retrieval stops finding them at once.
 * Every call first asks the core domain whether the squad is the caller's (404 if not).
 */
@Injectable()
export class DocumentsService implements DocumentsApi {
  constructor(
    private readonly db: IntelligenceDb,
    private readonly squads: SquadsApi,
    private readonly queue: JobQueue,
    private readonly retriever: Retriever,
  ) {}

  async add({ ownerId, squadId, input, idempotencyKey }: Owned & { squadId: string; input: CreateDocumentInput; idempotencyKey?: string }): Promise<DocumentSummary> {
    await this.squads.get({ ownerId, squadId });
    if (idempotencyKey) {
      const earlier = await this.db.document.findFirst({ where: { ownerId, idempotencyKey, createdAt: { gte: new Date(Date.now() - IDEMPOTENCY_WINDOW_MS) } } });
      if (earlier) return toSummary(earlier);
    }
    const row = await this.db.document.create({
      data: { ownerId, squadId, title: input.title, content: input.content, source: input.source ?? null, idempotencyKey: idempotencyKey ?? null },
    });
    await this.queue.add(QUEUES.documents, { documentId: row.id }, { jobId: documentJobId(row.id), attempts: DOCUMENT_JOB_ATTEMPTS });
    return toSummary(row);
  }

  async list({ ownerId, squadId, limit, cursor }: Owned & ListQuery & { squadId: string }): Promise<Page<DocumentSummary>> {
    await this.squads.get({ ownerId, squadId });
    if (cursor !== undefined && !UUID.test(cursor)) throw AppError.validation([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
    const rows = await this.db.document.findMany({
      where: { ownerId, squadId, ...(cursor ? { id: { lt: cursor } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
      select: { id: true, title: true, status: true, chunkCount: true, createdAt: true },
    });
    const page = rows.slice(0, limit);
    return { data: page.map(toSummary), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
  }

  async remove({ ownerId, squadId, documentId }: Owned & { squadId: string; documentId: string }): Promise<null> {
    await this.squads.get({ ownerId, squadId });
    const { count } = await this.db.document.deleteMany({ where: { id: documentId, ownerId, squadId } });
    if (count === 0) throw AppError.notFound('Document');
    return null;
  }

  async search({ ownerId, squadId, input }: Owned & { squadId: string; input: SearchInput }): Promise<SearchResults> {
    await this.squads.get({ ownerId, squadId });
    return { results: await this.retriever.search(squadId, input.query, input.limit) };
  }
}

function toSummary(row: DocumentRow): DocumentSummary {
  return { id: row.id, title: row.title, status: row.status as DocumentStatus, chunks: row.chunkCount, createdAt: row.createdAt.toISOString() };
}
