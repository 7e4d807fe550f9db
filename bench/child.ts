import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** A node child process the bench started, with a stop that escalates to SIGKILL. */
export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns `node script` and resolves with the first stdout line matching `ready` (its match) once it appears. */
export async function spawnNode(script: string, ready: RegExp, timeoutMs = 15_000): Promise<{ child: Child; match: RegExpMatchArray }> {
  const proc = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const child: Child = { process: proc, stop: () => stopChild(proc) };
  try {
    const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} not ready within ${timeoutMs} ms`)), timeoutMs);
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        const found = ready.exec(line);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited with ${code} before it was ready`));
      });
    });
    return { child, match };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

async function stopChild(proc: ChildProcess, graceMs = 5_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, 'exit');
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
