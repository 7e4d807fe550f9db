import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IntelligenceDb } from '../intelligence-db';
import { Embeddings, toVectorLiteral } from '../retrieval/embeddings';
import { VectorSupport } from '../retrieval/vector-support';
import { chunkMarkdown } from './markdown-chunker';

/** Rows per INSERT: keeps each statement's parameters small. */
const INSERT_BATCH = 500;

interface PendingChunk {
  id: string;
  ordinal: number;
  content: string;
  embedding?: string;
}

/**
 * Chunks a document, embeds the chunks when an embedding provider is configured, and stores them
 * with their full-text index, all in one transaction with the document turning `ready` (a retry
 * starts over; a document deleted meanwhile stays deleted).
 */
@Injectable()
export class DocumentIndexer {
  constructor(
    private readonly db: IntelligenceDb,
    private readonly embeddings: Embeddings,
    private readonly vectors: VectorSupport,
  ) {}

  /** Chunks and indexes one document; resolves with the number of chunks (0 when the document is gone or done). */
  async index(documentId: string): Promise<number> {
    const document = await this.db.document.findUnique({ where: { id: documentId } });
    if (document?.status !== 'processing') return 0;
    const chunks: PendingChunk[] = chunkMarkdown(document.title, document.content).map((content, ordinal) => ({ id: randomUUID(), ordinal, content }));
    if (this.embeddings.enabled && (await this.vectors.available())) {
      const vectors = await this.embeddings.embed(chunks.map((chunk) => chunk.content));
      chunks.forEach((chunk, index) => (chunk.embedding = toVectorLiteral(vectors[index]!)));
    }
    await this.db.$transaction(async (tx) => {
      await tx.documentChunk.deleteMany({ where: { documentId } });
      for (let at = 0; at < chunks.length; at += INSERT_BATCH) await insertChunks(tx, document.id, document.squadId, chunks.slice(at, at + INSERT_BATCH));
      await tx.document.updateMany({ where: { id: documentId, status: 'processing' }, data: { status: 'ready', chunkCount: chunks.length } });
    });
    return chunks.length;
  }
}

type Tx = Parameters<Parameters<IntelligenceDb['$transaction']>[0]>[0];

async function insertChunks(tx: Tx, documentId: string, squadId: string, chunks: PendingChunk[]): Promise<void> {
  const ids = chunks.map((chunk) => chunk.id);
  const ordinals = chunks.map((chunk) => chunk.ordinal);
  const contents = chunks.map((chunk) => chunk.content);
  if (chunks[0]?.embedding === undefined) {
    await tx.$executeRaw`
      INSERT INTO intelligence.document_chunks (id, "documentId", "squadId", ordinal, content, tsv)
      SELECT t.id, ${documentId}::uuid, ${squadId}::uuid, t.ordinal, t.content, to_tsvector('english', t.content)
      FROM unnest(${ids}::uuid[], ${ordinals}::int[], ${contents}::text[]) AS t(id, ordinal, content)`;
    return;
  }
  const embeddings = chunks.map((chunk) => chunk.embedding!);
  await tx.$executeRaw`
    INSERT INTO intelligence.document_chunks (id, "documentId", "squadId", ordinal, content, tsv, embedding)
    SELECT t.id, ${documentId}::uuid, ${squadId}::uuid, t.ordinal, t.content, to_tsvector('english', t.content), t.embedding::vector
    FROM unnest(${ids}::uuid[], ${ordinals}::int[], ${contents}::text[], ${embeddings}::text[]) AS t(id, ordinal, content, embedding)`;
}
