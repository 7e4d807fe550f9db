import { Injectable } from '@nestjs/common';
import type { SearchHit } from '@agent-squad/contracts';
import { GroupedWrites } from '@agent-squad/database';
import { IntelligenceDb } from '../intelligence-db';
import { Embeddings, toVectorLiteral } from './embeddings';
import { VectorSupport } from './vector-support';

interface FullTextSearch {
  squadId: string;
  query: string;
  limit: number;
}

/** Candidates each ranking contributes before fusion. */
const CANDIDATES = 50;
/** Reciprocal rank fusion constant (Cormack et al.: 60 works across collections). */
const RRF_K = 60;

/**
 * Ranks a squad's chunks for a query. Full-text: the query's words (stemmed, stop words dropped)
 * OR-ed, ranked by cover density (`ts_rank_cd`). With an embedding provider and pgvector, the
 * cosine-nearest chunks are ranked too and both rankings are fused by reciprocal rank (RRF), which
 * needs no tuning between the two scores' scales. Chunks of a deleted document are gone with it.
 *
 * Full-text searches asked for while one runs go together in the next statement (GroupedWrites):
 * each execution searches its squad's documents once (for its agents' prompts), and under load (bench,
 * sustained phase) that was the most frequent statement of all, ~1 a completed execution.
 */
@Injectable()
export class Retriever {
  private readonly fullTextSearches = new GroupedWrites<FullTextSearch, SearchHit[]>((searches) => this.fullTextAll(searches));

  constructor(
    private readonly db: IntelligenceDb,
    private readonly embeddings: Embeddings,
    private readonly vectors: VectorSupport,
  ) {}

  async search(squadId: string, query: string, limit: number): Promise<SearchHit[]> {
    if (this.embeddings.enabled && (await this.vectors.available())) {
      const [vector] = await this.embeddings.embed([query]);
      return this.hybrid(squadId, query, toVectorLiteral(vector!), limit);
    }
    return this.fullText(squadId, query, limit);
  }

  private fullText(squadId: string, query: string, limit: number): Promise<SearchHit[]> {
    return this.fullTextSearches.add({ squadId, query, limit });
  }

  /** Each search's ranking, in one statement: a lateral search per input row, each with its own limit. */
  private async fullTextAll(searches: readonly FullTextSearch[]): Promise<SearchHit[][]> {
    const rows = await this.db.$queryRaw<(SearchHit & { ord: bigint })[]>`
      WITH input AS (
        SELECT * FROM unnest(${searches.map((s) => s.squadId)}::uuid[], ${searches.map((s) => s.query)}::text[], ${searches.map((s) => s.limit)}::int[])
          WITH ORDINALITY AS i("squadId", query, "limit", ord)
      )
      SELECT i.ord, hit."chunkId", hit."documentId", hit.content, hit.score
      FROM input i CROSS JOIN LATERAL (
        SELECT c.id AS "chunkId", c."documentId", c.content, ts_rank_cd(c.tsv, q.query, 32)::float8 AS score
        FROM intelligence.document_chunks c, (SELECT replace(plainto_tsquery('english', i.query)::text, '&', '|')::tsquery AS query) q
        WHERE c."squadId" = i."squadId" AND c.tsv @@ q.query
        ORDER BY score DESC, c.id
        LIMIT i."limit"
      ) hit
      ORDER BY i.ord, hit.score DESC, hit."chunkId"`;
    const hits = searches.map((): SearchHit[] => []);
    for (const row of rows) hits[Number(row.ord) - 1]!.push(toHit(row));
    return hits;
  }

  private async hybrid(squadId: string, query: string, vector: string, limit: number): Promise<SearchHit[]> {
    const rows = await this.db.$queryRaw<SearchHit[]>`
      WITH q AS (SELECT replace(plainto_tsquery('english', ${query})::text, '&', '|')::tsquery AS query),
      fts AS (
        SELECT c.id, row_number() OVER (ORDER BY ts_rank_cd(c.tsv, q.query, 32) DESC, c.id) AS rank
        FROM intelligence.document_chunks c, q
        WHERE c."squadId" = ${squadId}::uuid AND c.tsv @@ q.query
        ORDER BY rank LIMIT ${CANDIDATES}::int
      ),
      vec AS (
        SELECT c.id, row_number() OVER (ORDER BY c.embedding <=> ${vector}::vector, c.id) AS rank
        FROM intelligence.document_chunks c
        WHERE c."squadId" = ${squadId}::uuid AND c.embedding IS NOT NULL
        ORDER BY rank LIMIT ${CANDIDATES}::int
      ),
      fused AS (
        SELECT id, COALESCE(1.0 / (${RRF_K}::int + fts.rank), 0) + COALESCE(1.0 / (${RRF_K}::int + vec.rank), 0) AS score
        FROM fts FULL OUTER JOIN vec USING (id)
      )
      SELECT c.id AS "chunkId", c."documentId", c.content, fused.score::float8 AS score
      FROM fused JOIN intelligence.document_chunks c ON c.id = fused.id
      ORDER BY fused.score DESC, c.id
      LIMIT ${limit}::int`;
    return rows.map(toHit);
  }
}

function toHit(row: SearchHit): SearchHit {
  return { documentId: row.documentId, chunkId: row.chunkId, content: row.content, score: Number(row.score) };
}
