import { cpus } from 'node:os';
import { contention, cpuByGroup } from './cpu';
import { type DurableExecutionsResults } from './durable-executions';
import { type WorkCounts } from './work-counts';

const TARGET = { perSecond: 250, inFlight: 2000, rssMb: 512 };

const verdict = (pass: boolean): string => `**${pass ? 'PASS' : 'FAIL'}**`;

/** The executions section of the report: the three figures with their targets, then what they rest on. */
export function renderDurableExecutionsReport({ raw, sustained: measured, inFlight }: DurableExecutionsResults): string {
  const sustained = measured.result;
  const ratio = sustained.perSecond / raw.perSecond;
  const inFlightPass = inFlight.peakRunning >= TARGET.inFlight && inFlight.rssAtPeakMb < TARGET.rssMb;
  const lines = [
    '## Executions (split shape)',
    '',
    '| Figure | Value | Target | Verdict |',
    '| --- | --- | --- | --- |',
    `| Executions of 3-member squads completed per second over ${sustained.seconds.toFixed(0)} s (zero-latency offline model, one worker) | **${sustained.perSecond.toFixed(1)}/s** (${sustained.completed} completed) | ≥ ${TARGET.perSecond}/s | ${verdict(sustained.perSecond >= TARGET.perSecond)} |`,
    `| Raw BullMQ add-and-process, same run, same Redis | ${raw.perSecond.toFixed(0)} jobs/s; executions ÷ raw = **${ratio.toFixed(3)}** | — | — |`,
    `| Executions in flight on one worker, each step ${inFlight.latencyMs} ms (OFFLINE_LLM_LATENCY_MS) | **${inFlight.peakRunning}** running, worker RSS **${inFlight.rssAtPeakMb.toFixed(0)} MB** (highest sample ${inFlight.peakRssMb.toFixed(0)} MB) | ≥ ${TARGET.inFlight}, RSS < ${TARGET.rssMb} MB | ${verdict(inFlightPass)} |`,
    '',
    'Notes:',
    '',
    `- Completions: tasks POSTed from ${sustained.lanes} lanes round-robin over the seeded squads for the whole window, the lanes holding back while ${sustained.backlog} accepted executions were unfinished, so the API accepts work as fast as it is completed (${sustained.submitted} accepted, ${sustained.rejected} refused); completed and failed (${sustained.failed}) are read from the worker's \`executions_finished_total\` at the start and the end of the window. Each execution is 3 steps (3 LLM calls over NATS to the intelligence process).`,
    `- CPU per completed execution, its submission included, by process: ${cpuPerExecution(measured.cpuMs, sustained.completed)}; ${contention(measured, cpus().length)} (what is not this bench's is mostly the streaming replica on the same host).`,
    `- Work per completed execution, counted (the figures to compare versions by: they do not move with the machine's speed): ${workPerExecution(sustained.work, sustained.completed)}.`,
    `- Raw BullMQ: ${raw.jobs} no-op jobs added one by one from 64 lanes and processed by one Worker (concurrency ${raw.concurrency}), from the first add to the last completion.`,
    `- In flight: ${inFlight.submitted} tasks queued while the worker was stopped, then one worker (WORKER_CONCURRENCY ${inFlight.workerConcurrency}) started; running executions counted in the database and the worker's VmRSS read from /proc every 200 ms; ${inFlight.completed} completed in ${inFlight.seconds.toFixed(1)} s.`,
    '',
  ];
  return lines.join('\n');
}

function workPerExecution(work: WorkCounts, completed: number): string {
  if (completed === 0) return 'none completed';
  const per = (count: number, digits = 1) => (count / completed).toFixed(digits);
  return `${per(work.transactions)} PostgreSQL transactions, ${per(work.walFlushes)} WAL flushes, ${per(work.walBytes / 1024)} KB of WAL, ${per(work.redisCommands)} Redis commands, ${per(work.contextSwitches)} context switches (the whole machine)`;
}

/** CPU ms each process spent per completed execution, biggest first, after their total. */
function cpuPerExecution(cpuMs: Record<string, number>, completed: number): string {
  if (completed === 0) return 'none completed';
  const total = Object.values(cpuMs).reduce((sum, cpu) => sum + cpu, 0);
  return `${(total / completed).toFixed(1)} ms (${cpuByGroup(cpuMs, (cpu) => (cpu / completed).toFixed(2))})`;
}
