import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ROLES } from '@agent-squad/config';
import { RetrievalLab } from '@agent-squad/intelligence';
import { REPO_ROOT } from '../test/support/stack/stack';
import { evaluateRetrieval } from './retrieval-eval/evaluate';

/** Recall@5 below this fails the run (CI). */
const TARGET = 0.8;

/**
 * `npm run eval:retrieval`: the labelled set in bench/retrieval-eval through the platform's own
 * indexing and ranking, on embedded PGlite (or DATABASE_URL; EMBEDDINGS_* for hybrid). Prints
 * each question's rank and recall@5; exits 1 below the target.
 */
async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'asq-retrieval-eval-'));
  const lab = await RetrievalLab.open(loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, ROLES));
  try {
    const result = await evaluateRetrieval(lab, join(REPO_ROOT, 'bench', 'retrieval-eval'));
    for (const { question, rank } of result.questions) process.stdout.write(`${rank === null ? ' miss' : `  #${rank} `}  ${question}\n`);
    process.stdout.write(`recall@${result.k}: ${result.recall.toFixed(3)} (${result.questions.filter((entry) => entry.rank !== null).length}/${result.questions.length}; target ${TARGET})\n`);
    if (result.recall < TARGET) process.exitCode = 1;
  } finally {
    await lab.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
