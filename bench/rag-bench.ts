import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ROLES } from '@agent-squad/config';
import { RetrievalLab } from '@agent-squad/intelligence';
import { dropDatabase, LOCAL } from '../test/support/stack/local-services';
import { percentile, timeSequential } from './stats';

export interface RagFigures {
  database: 'postgres' | 'pglite';
  documents: number;
  chunks: number;
  chunksPerSecond: number;
  searches: number;
  p50Ms: number;
  p99Ms: number;
}

const DOCUMENTS = 200;
const SECTIONS = 50;
const SEARCHES = 500;

/** A deterministic word generator (xorshift), so every run indexes and asks the same text. */
function words(seed: number): (count: number) => string {
  const vocabulary = Array.from({ length: 3000 }, (_, index) => `w${(index * 7919).toString(36)}`);
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % vocabulary.length;
  };
  return (count) => Array.from({ length: count }, () => vocabulary[next()]!).join(' ');
}

/** Markdown documents of `SECTIONS` sections each, one chunk per section: `DOCUMENTS × SECTIONS` chunks (10,000). */
function document(index: number, text: (count: number) => string): string {
  const sections = Array.from({ length: SECTIONS }, (_, section) => `## Section ${section} of document ${index}\n\n${text(80)}.\n\n${text(60)}.`);
  return `# Document ${index}\n\n${sections.join('\n\n')}`;
}

/** Document ingestion (chunks indexed per second, full-text only) and search latency over 10,000 chunks. */
export async function benchRag(database: RagFigures['database'], log: (line: string) => void): Promise<RagFigures> {
  const name = `asq_bench_rag_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'asq-bench-rag-'));
  const env = database === 'postgres' ? { DATABASE_URL: `${LOCAL.postgres}/${name}` } : { DATA_DIR: dataDir };
  const lab = await RetrievalLab.open(loadConfig({ ...env, LOG_LEVEL: 'warn' }, ROLES));
  try {
    const squadId = randomUUID();
    const text = words(2463534242);
    let chunks = 0;
    const started = performance.now();
    for (let index = 0; index < DOCUMENTS; index++) {
      chunks += (await lab.index(squadId, `Document ${index}`, document(index, text))).chunks;
      if ((index + 1) % 50 === 0) log(`rag ${database}: ${index + 1}/${DOCUMENTS} documents, ${chunks} chunks`);
    }
    const seconds = (performance.now() - started) / 1000;
    const query = words(88172645);
    const samples = await timeSequential(() => lab.search(squadId, query(4), 5), SEARCHES, 50);
    return { database, documents: DOCUMENTS, chunks, chunksPerSecond: chunks / seconds, searches: SEARCHES, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) };
  } finally {
    await lab.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (database === 'postgres') await dropDatabase(name);
  }
}

export function renderRagReport(figures: readonly RagFigures[]): string {
  const rows = figures.map(
    (entry) => `| ${entry.database} | ${entry.documents} | ${entry.chunks} | ${entry.chunksPerSecond.toFixed(0)} | ${entry.p50Ms.toFixed(2)} | ${entry.p99Ms.toFixed(2)} |`,
  );
  return [
    '## RAG: document ingestion and search',
    '',
    `Markdown documents chunked and indexed (full-text, no embedding provider) by the platform's indexer, then ${SEARCHES} searches of 4 words each, top 5, one at a time.`,
    '',
    '| database | documents | chunks | chunks indexed/s | search p50 ms | search p99 ms |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
