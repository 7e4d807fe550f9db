import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Sets a process's CPU niceness (this one's by default). On Linux a niceness belongs to each
 * thread and a new thread takes its creator's, so every thread running now (V8's and libuv's,
 * started before any of our code) is set, and the ones made later follow the main thread.
 */
export function applyNiceness(niceness: number, pid = process.pid): void {
  let threads: number[];
  try {
    threads = readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    threads = [pid];
  }
  for (const thread of threads) setPriority(thread, niceness);
}
