import { randomUUID } from 'node:crypto';
import type { AppConfig } from '@agent-squad/config';
import type { SearchHit } from '@agent-squad/contracts';
import { DatabaseConnections } from '@agent-squad/database';
import { DocumentIndexer } from '../documents/document-indexer';
import { IntelligenceDb } from '../intelligence-db';
import { Embeddings } from './embeddings';
import { Retriever } from './retriever';
import { VectorSupport } from './vector-support';

/**
 * The indexing and retrieval code of the platform on a database of its own, without the rest:
 * for the retrieval eval and the RAG bench, which measure exactly what executions use.
 */
export class RetrievalLab {
  private constructor(
    private readonly connections: DatabaseConnections,
    private readonly db: IntelligenceDb,
    private readonly indexer: DocumentIndexer,
    private readonly retriever: Retriever,
  ) {}

  static async open(config: AppConfig): Promise<RetrievalLab> {
    const connections = new DatabaseConnections(config);
    const db = await connections.client('intelligence', IntelligenceDb);
    const embeddings = new Embeddings(config);
    const vectors = new VectorSupport(db);
    const indexer = new DocumentIndexer(db, embeddings, vectors);
    return new RetrievalLab(connections, db, indexer, new Retriever(db, embeddings, vectors));
  }

  /** Stores and indexes a document at once; resolves with its id and chunk count. */
  async index(squadId: string, title: string, content: string): Promise<{ documentId: string; chunks: number }> {
    const document = await this.db.document.create({ data: { ownerId: randomUUID(), squadId, title, content } });
    return { documentId: document.id, chunks: await this.indexer.index(document.id) };
  }

  search(squadId: string, query: string, limit: number): Promise<SearchHit[]> {
    return this.retriever.search(squadId, query, limit);
  }

  close(): Promise<void> {
    return this.connections.onApplicationShutdown();
  }
}
