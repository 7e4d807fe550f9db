import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RetrievalLab } from '@agent-squad/intelligence';

export interface LabelledQuestion {
  question: string;
  /** The file the answer is in. */
  document: string;
  /** Text of the passage that answers it: a retrieved chunk of that document containing it is a hit. */
  passage: string;
}

export interface EvalResult {
  k: number;
  recall: number;
  questions: { question: string; rank: number | null }[];
}

/** Indexes every document of `dir/documents` into one squad and asks `dir/questions.json`: recall@k = share of questions answered within the top k. */
export async function evaluateRetrieval(lab: RetrievalLab, dir: string, k = 5): Promise<EvalResult> {
  const squadId = randomUUID();
  const ids = new Map<string, string>();
  for (const file of readdirSync(join(dir, 'documents')).sort()) {
    const text = readFileSync(join(dir, 'documents', file), 'utf8');
    const title = /^#\s+(.+)$/m.exec(text)?.[1] ?? file;
    ids.set(file, (await lab.index(squadId, title, text)).documentId);
  }
  const labelled = JSON.parse(readFileSync(join(dir, 'questions.json'), 'utf8')) as LabelledQuestion[];
  const questions: EvalResult['questions'] = [];
  for (const { question, document, passage } of labelled) {
    const hits = await lab.search(squadId, question, k);
    const at = hits.findIndex((hit) => hit.documentId === ids.get(document) && hit.content.includes(passage));
    questions.push({ question, rank: at === -1 ? null : at + 1 });
  }
  return { k, recall: questions.filter((entry) => entry.rank !== null).length / questions.length, questions };
}
