import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/**
 * Preloaded with `--require` (NODE_OPTIONS) into a product process when BENCH_CPU_PROF=1: Node 20
 * refuses `--cpu-prof` in NODE_OPTIONS, so this starts the V8 sampling profiler itself and writes
 * `<BENCH_CPU_PROF_DIR>/<BENCH_CPU_PROF_NAME>.cpuprofile` when the process is asked to stop.
 */
const dir = process.env.BENCH_CPU_PROF_DIR;
const name = process.env.BENCH_CPU_PROF_NAME ?? String(process.pid);

if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  let written = false;
  // A same-thread inspector session answers synchronously, so this also works in an 'exit' handler.
  const write = (): void => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  // Nest's shutdown hooks end the process by re-raising SIGTERM, so 'exit' never fires: write on the signal.
  process.once('SIGTERM', () => {
    write();
    // Nobody else handles it: die of the signal as the process would have without this file.
    if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
  });
  process.once('exit', write);
}
