import { type Shape } from '../test/support/stack/stack';
import { type ExecutionsResult } from './executions-throughput';
import { type LoadResult } from './http-load';
import { type MachineFacts } from './machine';
import { type RawCeiling } from './raw-ceilings';
import { type BenchSettings } from './settings';
import { type ShapeResults } from './shape-bench';
import { contention, cpuByGroup, systemCpuMs, type Measured } from './cpu';

export interface BenchReport {
  machine: MachineFacts;
  loadAverageAtEnd: [number, number, number];
  settings: BenchSettings;
  bare: Measured<LoadResult>;
  raw: RawCeiling[];
  shapes: ShapeResults[];
  totalSeconds: number;
}

const SHAPE_LABEL: Record<Shape, string> = { embedded: 'embedded (1 process)', services: 'split (1 gateway → core over NATS)' };

const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const ms = (value: number): string => (Number.isFinite(value) ? `${value < 10 ? value.toFixed(2) : value.toFixed(0)}` : '—');
const rate = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const load = (values: readonly number[]): string => values.map((value) => value.toFixed(2)).join(' / ');
/** Latency percentiles mean nothing when no request was answered. */
const latency = (result: LoadResult, value: number): string => (result.total === 0 ? '—' : ms(value));

/** Non-2xx answers and connection errors, so a fast row made of errors cannot pass for a result. */
function failures(result: LoadResult): string {
  const codes = Object.entries(result.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${count}×${code}`);
  const parts = [...codes, ...(result.errors > 0 ? [`${result.errors} errors (${result.timeouts} timeouts)`] : [])];
  return parts.length === 0 ? '0' : parts.join(', ');
}

/** CPU of the system under test (every product process and server, not the load generator) per operation. */
function cpuPerOp(measured: Measured<unknown>, operations: number): string {
  if (operations === 0) return '—';
  const perOp = systemCpuMs(measured.cpuMs) / operations;
  return perOp < 10 ? perOp.toFixed(2) : perOp.toFixed(0);
}

function ratio(result: LoadResult, bare: LoadResult): string {
  return `${((100 * result.requestsPerSecond) / bare.requestsPerSecond).toFixed(1)} %`;
}

/** The per-request CPU cost by process during one HTTP phase, biggest first: where the time goes. */
function cpuPerRequest(measured: Measured<LoadResult>): string {
  const requests = measured.result.total;
  if (requests === 0) return 'no requests';
  return cpuByGroup(measured.cpuMs, (cpu) => `${((cpu / requests) * 1000).toFixed(0)} µs`);
}

function executionsNote(result: ExecutionsResult): string {
  const parts = [`${result.completed}/${result.accepted} completed in ${fixed(result.seconds)} s`, `submitting took ${fixed(result.submitSeconds)} s (submit p50 ${ms(result.submitP50)} ms, p99 ${ms(result.submitP99)} ms)`];
  if (result.failed > 0) parts.push(`${result.failed} ended failed/cancelled`);
  if (result.rejected > 0) parts.push(`**submits refused: ${Object.entries(result.rejections).map(([status, count]) => `${count}×${status}`).join(', ')}**`);
  if (result.timedOut) parts.push('**timed out before all finished**');
  return parts.join('; ');
}

/** The markdown report: machine facts, then one table, then notes (settings, caveats, CPU evidence). */
export function renderReport(report: BenchReport): string {
  const { machine, settings } = report;
  const bare = report.bare.result;
  const lines: string[] = [];
  lines.push('# Agent Squad benchmark', '');
  lines.push(`- Node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), ${fixed(machine.memoryGb)} GB RAM (${fixed(machine.freeMemoryGb)} GB free), ${machine.platform}`);
  lines.push(`- Product: ${machine.revision}`);
  lines.push(`- Load average at start (1/5/15 min): ${load(machine.loadAverage)}; at end: ${load(report.loadAverageAtEnd)}`);
  lines.push(`- Whole run: ${fixed(report.totalSeconds, 0)} s; load generator (autocannon) runs on the same machine as every server`, '');

  const rows: string[][] = [];
  const header = ['Scenario', 'Shape', 'Rate (/s)', 'p50 ms', 'p99 ms', 'vs bare Fastify', 'CPU ms / op', 'Non-2xx / errors', 'Verdict / notes'];
  rows.push([
    'Bare Fastify `GET` (small JSON, child process)',
    '—',
    rate(bare.requestsPerSecond),
    latency(bare, bare.p50),
    latency(bare, bare.p99),
    '100 %',
    cpuPerOp(report.bare, bare.total),
    failures(bare),
    `ceiling; ${settings.http.connections} conns × ${settings.http.durationSeconds} s`,
  ]);

  for (const shape of report.shapes) {
    const label = SHAPE_LABEL[shape.shape];
    const get = shape.getSquad.result;
    rows.push([
      '`GET /v1/squads/:id` (JWT, 3 members)',
      label,
      rate(get.requestsPerSecond),
      latency(get, get.p50),
      latency(get, get.p99),
      ratio(get, bare),
      cpuPerOp(shape.getSquad, get.total),
      failures(get),
      `${settings.http.connections} conns × ${settings.http.durationSeconds} s`,
    ]);
  }
  for (const shape of report.shapes) {
    const label = SHAPE_LABEL[shape.shape];
    const post = shape.postFixed.result;
    const target = settings.fixedRate;
    const pass = post.p99 < target.p99TargetMs && post.requestsPerSecond >= 0.95 * target.rate && post.non2xx === 0 && post.errors === 0;
    rows.push([
      `\`POST /v1/squads/:id/tasks\` @ ${target.rate}/s fixed`,
      label,
      rate(post.requestsPerSecond),
      latency(post, post.p50),
      latency(post, post.p99),
      '—',
      cpuPerOp(shape.postFixed, post.total),
      failures(post),
      `**${pass ? 'PASS' : 'FAIL'}** (p99 < ${target.p99TargetMs} ms at ≥ 95 % of the rate, no errors); ${target.durationSeconds} s after ${target.warmupSeconds} s at the rate unmeasured`,
    ]);
  }
  for (const shape of report.shapes) {
    const label = SHAPE_LABEL[shape.shape];
    const post = shape.postMax.result;
    const { submitted, finished } = shape.postBacklog;
    rows.push([
      '`POST /v1/squads/:id/tasks` max',
      label,
      rate(post.requestsPerSecond),
      latency(post, post.p50),
      latency(post, post.p99),
      ratio(post, bare),
      cpuPerOp(shape.postMax, post.total),
      failures(post),
      [
        `${settings.maxPost.connections} conns × ${settings.maxPost.durationSeconds} s, right after the fixed-rate phase`,
        ...(post.total === 0 ? [`**none of the ${post.sent} requests sent was answered within the phase**`] : []),
        `the gateway accepted ${submitted} tasks in both POST phases; ${finished} executions finished meanwhile (backlog ≈ ${Math.max(0, submitted - finished)} plus any left before)`,
      ].join('; '),
    ]);
  }
  for (const shape of report.shapes) {
    for (const burst of shape.executions) {
      const label = shape.shape === 'embedded' ? SHAPE_LABEL.embedded : `split, ${burst.workers} worker process${burst.workers > 1 ? 'es' : ''}`;
      rows.push([
        `Executions completed (3 members, offline model, ${burst.result.accepted}-task burst)`,
        label,
        rate(burst.result.perSecond),
        '—',
        '—',
        '—',
        cpuPerOp(burst, burst.result.completed),
        `${burst.result.rejected} submits refused`,
        executionsNote(burst.result),
      ]);
    }
  }
  for (const raw of report.raw) {
    rows.push([`Raw: ${raw.name}`, 'reference', rate(raw.perSecond), ms(raw.p50), ms(raw.p99), '—', '—', '0', `${raw.samples} round trips one at a time (rate = 1 / mean)`]);
  }
  lines.push(table(header, rows), '');

  lines.push('Notes:', '');
  lines.push('- Rates: HTTP rows are completed requests per second of wall time; execution rows are completed executions per second from the first submit until the last one finished (read from `executions_finished_total{status="completed"}` on the worker processes\' `/metrics`).');
  lines.push('- CPU ms / op: CPU time of the system under test (every product process, plus PostgreSQL, Redis and NATS in the split shape; not the load generator) per request or per completed execution, from /proc. On a saturated machine it is the figure that carries over to bigger machines; POST rows include the worker running the executions those POSTs queue.');
  lines.push('- **The original Python system measured ~12 executions/s with no LLM calls**; the execution rows here use the zero-latency offline model (no network).');
  lines.push(`- Fixed-rate phases are open loop (bench/open-loop-load.ts, as wrk2): requests evenly spaced at the rate, each latency measured from when it was due, so a stall is charged to every request it delayed; the other HTTP phases are autocannon's closed loop. Load is spread over ${settings.seed.users} users × ${settings.seed.squadsPerUser} squads of ${settings.seed.members} members, round-robin per request. Stacks run with ${Object.entries(settings.stackEnv).map(([name, value]) => `\`${name}=${value}\``).join(', ')}, \`NODE_ENV=production\`, \`LOG_LEVEL=info\`${Object.entries(settings.appEnv).map(([app, env]) => `; in the shape phases ${app} processes also ${Object.entries(env).map(([name, value]) => `\`${name}=${value}\``).join(', ')}`).join('')}.`);
  lines.push('- Every accepted task queues an execution that the worker runs at once, so the POST phases measure the API while the worker is busy with the backlog they create (on the same CPUs).');
  lines.push(`- This machine has ${machine.cpus} CPUs shared by the load generator, every product process and PostgreSQL/Redis/NATS; the ratios to bare Fastify are the portable figures, the absolute ones are not.`);
  for (const shape of report.shapes) {
    lines.push(`- ${SHAPE_LABEL[shape.shape]}: started in ${fixed(shape.startSeconds)} s, seeded in ${fixed(shape.seedSeconds)} s; logs in \`${shape.logDir}\`.`);
  }
  if (settings.cpuProfile) lines.push('- **BENCH_CPU_PROF=1: every product process ran under the V8 profiler, so every product figure is lower than it would be without it.** Profiles are in each stack\'s `profiles/` log folder.');
  lines.push('', 'Where the CPU goes (CPU time per request by process during each HTTP phase; CPU seconds during each burst; PostgreSQL counts only the stack\'s own backends, Redis and NATS are shared servers):', '');
  const cpus = machine.cpus;
  lines.push(`- Bare Fastify: ${cpuPerRequest(report.bare)} ${contention(report.bare, cpus)}`);
  for (const shape of report.shapes) {
    const label = SHAPE_LABEL[shape.shape];
    lines.push(`- GET, ${label}: ${cpuPerRequest(shape.getSquad)} ${contention(shape.getSquad, cpus)}`);
    lines.push(`- POST @ fixed rate, ${label}: ${cpuPerRequest(shape.postFixed)} ${contention(shape.postFixed, cpus)}`);
    lines.push(`- POST max, ${label}: ${cpuPerRequest(shape.postMax)} ${contention(shape.postMax, cpus)}`);
    for (const burst of shape.executions) {
      lines.push(`- Burst, ${label}, ${burst.workers} worker(s), ${fixed(burst.result.seconds)} s wall: ${cpuByGroup(burst.cpuMs, (cpu) => `${(cpu / 1000).toFixed(1)} s`)} ${contention(burst, cpus)}`);
    }
  }
  lines.push('', 'What the product logged (warnings and errors during the phases, most frequent first):', '');
  for (const shape of report.shapes) {
    const label = SHAPE_LABEL[shape.shape];
    if (shape.logSummary.length === 0) lines.push(`- ${label}: none`);
    for (const entry of shape.logSummary) lines.push(`- ${label}: ${entry.count}× ${entry.service} ${entry.level}: \`${entry.message.replace(/`/g, "'")}\``);
  }
  return `${lines.join('\n')}\n`;
}

function table(header: string[], rows: string[][]): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.map(escape).join(' | ')} |`).join('\n');
}
