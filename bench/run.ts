import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type Shape } from '../test/support/stack/stack';
import { benchBareFastify } from './bare-fastify';
import { benchCache } from './cache-bench';
import { renderCacheReport } from './cache-report';
import { stopEverything } from './cleanup';
import { benchDatabase, renderDbReport } from './db-bench';
import { benchDurableExecutions } from './durable-executions';
import { renderDurableExecutionsReport } from './durable-executions-report';
import { machineFacts } from './machine';
import { rawCeilings } from './raw-ceilings';
import { renderReport } from './report';
import { benchShape, type ShapeResults } from './shape-bench';
import { benchRag, renderRagReport, type RagFigures } from './rag-bench';
import { settingsFrom } from './settings';

const log = (line: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** The parts `npm run bench -- <part>...` can run; all of them, in this order, when none is named. */
const PARTS = ['embedded', 'services', 'cache', 'db', 'rag', 'executions'] as const;
type Part = (typeof PARTS)[number];

function partsFrom(args: readonly string[]): Part[] {
  const unknown = args.filter((arg) => !(PARTS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new Error(`unknown bench part(s) ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
  return args.length === 0 ? [...PARTS] : PARTS.filter((part) => args.includes(part));
}

/**
 * `npm run bench [-- embedded|services|cache|db|rag|executions ...]`: for the shapes, raw
 * infrastructure ceilings and bare Fastify, then the embedded and the split shape of the product;
 * then the cache's, the database routing's, RAG's and the executions' own figures (each with its own
 * raw ceiling). One after the other (never two stacks at once: they would share the CPUs), and one
 * markdown report on stdout and in bench/results/latest.md.
 */
async function main(): Promise<void> {
  const began = performance.now();
  const parts = partsFrom(process.argv.slice(2));
  const settings = settingsFrom(process.env);
  const machine = machineFacts(REPO_ROOT);
  log(`node ${machine.node}, ${machine.cpus} CPUs, load average ${machine.loadAverage.map((value) => value.toFixed(2)).join(' ')}; parts: ${parts.join(', ')}`);
  const sections: string[] = [];
  const failed: string[] = [];
  const attempt = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (error) {
      // One part failing (e.g. a local server down) should not lose the others' figures.
      failed.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      log(`${name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return undefined;
    }
  };

  const shapeParts = (['embedded', 'services'] as Shape[]).filter((shape) => parts.includes(shape));
  if (shapeParts.length > 0) {
    log('raw ceilings: PostgreSQL, Redis, NATS');
    const raw = await rawCeilings(settings.rawSamples);
    log('bare Fastify');
    const bare = await benchBareFastify(settings.http);
    log(`bare Fastify: ${bare.result.requestsPerSecond.toFixed(0)} req/s, p99 ${bare.result.p99} ms`);
    const shapes: ShapeResults[] = [];
    for (const shape of shapeParts) {
      const result = await attempt(shape, () => benchShape(shape, settings, log));
      if (result) shapes.push(result);
    }
    sections.push(renderReport({ machine, loadAverageAtEnd: loadavg() as [number, number, number], settings, bare, raw, shapes, totalSeconds: (performance.now() - began) / 1000 }));
  } else {
    sections.push(`# Agent Squad benchmark (${parts.join(', ')})\n\n- Node ${machine.node}, ${machine.cpus} CPUs, load average at start ${machine.loadAverage.map((value) => value.toFixed(2)).join(' ')}\n`);
  }
  if (parts.includes('cache')) {
    const cache = await attempt('cache', () => benchCache(settings, log));
    if (cache) sections.push(renderCacheReport(cache));
  }
  if (parts.includes('db')) {
    const db = await attempt('database', () => benchDatabase(settings.db, log));
    if (db) sections.push(renderDbReport(db));
  }
  if (parts.includes('rag')) {
    const figures: RagFigures[] = [];
    for (const database of ['postgres', 'pglite'] as const) {
      const result = await attempt(`rag ${database}`, () => benchRag(database, log));
      if (!result) continue;
      log(`rag ${database}: ${result.chunksPerSecond.toFixed(0)} chunks/s, search p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`);
      figures.push(result);
    }
    if (figures.length > 0) sections.push(renderRagReport(figures));
  }
  if (parts.includes('executions')) {
    const executions = await attempt('executions', () => benchDurableExecutions(settings, log));
    if (executions) sections.push(renderDurableExecutionsReport(executions));
  }

  const failures = failed.length === 0 ? '' : `\n**Phases that failed:**\n\n${failed.map((line) => `- ${line}`).join('\n')}\n`;
  const output = sections.join('\n') + failures;
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
