import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface MachineFacts {
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  freeMemoryGb: number;
  /** 1, 5 and 15 minute load averages when the bench started: other work on the box skews every figure. */
  loadAverage: [number, number, number];
  platform: string;
  /** What was measured: the commit, and the uncommitted files outside bench/ (the working tree is what gets built). */
  revision: string;
}

function revision(cwd: string): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = git('status', '--porcelain').split('\n').filter((line) => line !== '' && !line.slice(3).startsWith('bench/'));
    return `${git('rev-parse', '--short', 'HEAD')}${changed.length > 0 ? ` + ${changed.length} uncommitted changes outside bench/` : ''}`;
  } catch {
    return 'unknown (no git)';
  }
}

export function machineFacts(repoRoot: string): MachineFacts {
  const [one, five, fifteen] = loadavg() as [number, number, number];
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: totalmem() / 2 ** 30,
    freeMemoryGb: freemem() / 2 ** 30,
    loadAverage: [one, five, fifteen],
    platform: `${process.platform} ${process.arch}`,
    revision: revision(repoRoot),
  };
}
