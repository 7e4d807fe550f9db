import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { applyNiceness } from './process-niceness';

/** A thread's nice value: field 19 of /proc/<pid>/task/<tid>/stat, the 17th after the parenthesised name. */
const niceOf = (pid: number, tid: string) => Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

describe('applyNiceness', () => {
  it('lowers the priority of every thread of a Node process, not only its main thread', async () => {
    // Another process: a niceness once raised cannot be lowered back without privilege.
    const child = spawn(process.execPath, ['-e', 'process.stdout.write("up"); setInterval(() => undefined, 1000)'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(child.stdout, 'data');
      const pid = child.pid!;
      applyNiceness(7, pid);
      const threads = readdirSync(`/proc/${pid}/task`);
      expect(threads.length).toBeGreaterThan(1);
      expect(threads.map((tid) => niceOf(pid, tid))).toEqual(threads.map(() => 7));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
