import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type Shape } from '../test/support/stack/stack';
import { benchBareFastify } from './bare-fastify';
import { benchCache } from './cache-bench';
import { renderCacheReport } from './cache-report';
import { stopEverything } from './cleanup';
import { benchDatabase, renderDbReport } from './db-bench';
import { machineFacts } from './machine';
import { rawCeilings } from './raw-ceilings';
import { renderReport } from './report';
import { benchShape, type ShapeResults } from './shape-bench';
import { benchRag, renderRagReport, type RagFigures } from './rag-bench';
import { settingsFrom } from './settings';

const log = (line: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const PARTS = ['embedded', 'services', 'cache', 'db', 'rag'] as const;
type Part = (typeof PARTS)[number];

/** `npm run bench -- services cache` runs only those parts (the raw ceilings and bare Fastify always run: every figure is compared with them). */
function selectedParts(args: readonly string[]): ReadonlySet<Part> {
  const unknown = args.filter((arg) => !(PARTS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new Error(`unknown bench part(s) ${unknown.join(', ')}; known: ${PARTS.join(', ')}`);
  return new Set(args.length === 0 ? PARTS : (args as Part[]));
}

/** The RAG figures on both databases, one after the other; a failure is reported, not thrown. */
async function ragPhase(log: (line: string) => void, failed: string[]): Promise<RagFigures[]> {
  const figures: RagFigures[] = [];
  for (const database of ['postgres', 'pglite'] as const) {
    try {
      const result = await benchRag(database, log);
      log(`rag ${database}: ${result.chunksPerSecond.toFixed(0)} chunks/s, search p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`);
      figures.push(result);
    } catch (error) {
      failed.push(`rag ${database}: ${error instanceof Error ? error.message : String(error)}`);
      log(`rag ${database} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  return figures;
}

/**
 * `npm run bench`: raw infrastructure ceilings, bare Fastify, then the embedded and the split shape
 * of the product, one after the other (never two at once: they would share the CPUs), the cache's
 * and RAG's own figures, and one markdown report on stdout and in bench/results/latest.md.
 */
async function main(): Promise<void> {
  const began = performance.now();
  const parts = selectedParts(process.argv.slice(2));
  const settings = settingsFrom(process.env);
  const machine = machineFacts(REPO_ROOT);
  log(`node ${machine.node}, ${machine.cpus} CPUs, load average ${machine.loadAverage.map((value) => value.toFixed(2)).join(' ')}`);

  log('raw ceilings: PostgreSQL, Redis, NATS');
  const raw = await rawCeilings(settings.rawSamples);
  log('bare Fastify');
  const bare = await benchBareFastify(settings.http);
  log(`bare Fastify: ${bare.result.requestsPerSecond.toFixed(0)} req/s, p99 ${bare.result.p99} ms`);

  const shapes: ShapeResults[] = [];
  const failed: string[] = [];
  for (const shape of (['embedded', 'services'] as Shape[]).filter((part) => parts.has(part))) {
    try {
      shapes.push(await benchShape(shape, settings, log));
    } catch (error) {
      // One shape failing (e.g. a local server down) should not lose the other's figures.
      failed.push(`${shape}: ${error instanceof Error ? error.message : String(error)}`);
      log(`${shape} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  // The cache's own figures (issue 3), after the shapes so they never share the CPUs with them.
  const cache = !parts.has('cache') ? undefined : await benchCache(settings, log).catch((error: unknown) => {
    failed.push(`cache: ${error instanceof Error ? error.message : String(error)}`);
    log(`cache FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  });

  // The database routing's figures, last for the same reason.
  const db = !parts.has('db') ? undefined : await benchDatabase(settings.db, log).catch((error: unknown) => {
    failed.push(`database: ${error instanceof Error ? error.message : String(error)}`);
    log(`database FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  });

  const rag = parts.has('rag') ? await ragPhase(log, failed) : [];

  const markdown = renderReport({ machine, loadAverageAtEnd: loadavg() as [number, number, number], settings, bare, raw, shapes, totalSeconds: (performance.now() - began) / 1000 });
  const failures = failed.length === 0 ? '' : `\n**Phases that failed:**\n\n${failed.map((line) => `- ${line}`).join('\n')}\n`;
  const output = markdown + (cache ? `\n${renderCacheReport(cache)}` : '') + (db ? `\n${renderDbReport(db)}` : '') + (rag.length > 0 ? `\n${renderRagReport(rag)}` : '') + failures;
  process.stdout.write(output);
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.md'), output);
  log(`report written to ${join(dir, 'latest.md')}`);
  if (failed.length > 0) process.exitCode = 1;
}

// Ctrl-C or a kill: stop every process the bench started before leaving.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything the bench started`);
    void stopEverything().finally(() => process.exit(130));
  });
}

main()
  .catch((error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => stopEverything());
