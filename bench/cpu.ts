import { readdirSync, readFileSync } from 'node:fs';

/** A named set of processes whose CPU time is accounted together (e.g. every `postgres` backend). */
export interface CpuGroup {
  name: string;
  pids: () => number[];
}

/** The group of the bench process itself (autocannon runs in it): not part of the system under test. */
export const LOAD_GENERATOR = 'bench (load generator)';

export function loadGeneratorGroup(): CpuGroup {
  return { name: LOAD_GENERATOR, pids: () => [process.pid] };
}

/** CPU ms of everything but the load generator: the system under test (product processes and servers). */
export function systemCpuMs(cpuMs: Record<string, number>): number {
  return Object.entries(cpuMs).reduce((total, [name, ms]) => (name === LOAD_GENERATOR ? total : total + ms), 0);
}

export type CpuSample = Map<string, Map<number, number>>;

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/** utime + stime of a process in ticks, or undefined once it is gone (or on a system without /proc). */
function ticksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/**
 * Processes whose command name (/proc/<pid>/comm) is `comm` and, if given, whose command line
 * contains `argument`: PostgreSQL forks a backend per connection and names its database in the
 * command line, so a stack's own backends can be told from other users' of the same server.
 */
export function pidsByComm(comm: string, argument?: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
      if (argument !== undefined && !readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(/[\0 ]/).includes(argument)) continue;
      pids.push(Number(entry));
    } catch {
      // exited while listing
    }
  }
  return pids;
}

/** CPU ticks the whole machine spent busy (all CPUs; not idle or iowait), from /proc/stat. */
function machineBusyTicks(): number {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return user! + nice! + system! + irq! + softirq! + steal!;
  } catch {
    return Number.NaN;
  }
}

export function sampleCpu(groups: readonly CpuGroup[]): CpuSample {
  const sample: CpuSample = new Map();
  for (const group of groups) {
    const ticks = new Map<number, number>();
    for (const pid of group.pids()) {
      const value = ticksOf(pid);
      if (value !== undefined) ticks.set(pid, value);
    }
    sample.set(group.name, ticks);
  }
  return sample;
}

/** CPU milliseconds each group used between two samples (a process born in between counts from zero). */
export function cpuDeltaMs(before: CpuSample, after: CpuSample): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, pids] of after) {
    let ticks = 0;
    for (const [pid, value] of pids) ticks += value - (before.get(name)?.get(pid) ?? 0);
    result[name] = (ticks * 1000) / TICKS_PER_SECOND;
  }
  return result;
}

/** A phase's result and the CPU milliseconds each group spent on it (evidence of where time goes). */
export interface Measured<T> {
  result: T;
  cpuMs: Record<string, number>;
  /** CPU ms the whole machine was busy meanwhile: more than the groups' sum means someone else was using it. */
  machineBusyMs: number;
  wallMs: number;
}

/** Runs `fn` and answers its result with the CPU time every group (and the whole machine) spent meanwhile. */
export async function withCpu<T>(groups: readonly CpuGroup[], fn: () => Promise<T>): Promise<Measured<T>> {
  const before = sampleCpu(groups);
  const busyBefore = machineBusyTicks();
  const started = performance.now();
  const result = await fn();
  const wallMs = performance.now() - started;
  const machineBusyMs = ((machineBusyTicks() - busyBefore) * 1000) / TICKS_PER_SECOND;
  return { result, cpuMs: cpuDeltaMs(before, sampleCpu(groups)), machineBusyMs, wallMs };
}

/** Phases measured apart (e.g. interleaved rounds) as one: CPU and time added up, results merged by `merge`. */
export function mergeMeasured<T>(parts: readonly Measured<T>[], merge: (results: T[]) => T): Measured<T> {
  const cpuMs: Record<string, number> = {};
  for (const part of parts) for (const [name, ms] of Object.entries(part.cpuMs)) cpuMs[name] = (cpuMs[name] ?? 0) + ms;
  return {
    result: merge(parts.map((part) => part.result)),
    cpuMs,
    machineBusyMs: parts.reduce((total, part) => total + part.machineBusyMs, 0),
    wallMs: parts.reduce((total, part) => total + part.wallMs, 0),
  };
}

/** Each group's CPU, biggest first, as `format` writes it (per request, per execution, in seconds, ...). */
export function cpuByGroup(cpuMs: Record<string, number>, format: (ms: number) => string): string {
  return Object.entries(cpuMs)
    .filter(([, cpu]) => cpu > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([name, cpu]) => `${name} ${format(cpu)}`)
    .join(', ');
}

/** How busy the whole machine was, and how much of that was not this bench: other users skew every figure. */
export function contention(measured: Measured<unknown>, cpus: number): string {
  const ours = Object.values(measured.cpuMs).reduce((total, cpu) => total + cpu, 0);
  const available = (cpus * measured.wallMs) / 1000;
  const other = Math.max(0, measured.machineBusyMs - ours) / 1000;
  return `[machine ${(measured.machineBusyMs / 1000).toFixed(1)} of ${available.toFixed(1)} CPU-s busy, ${other.toFixed(1)} CPU-s not this bench's]`;
}
