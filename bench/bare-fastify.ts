import { join } from 'node:path';
import { spawnNode } from './child';
import { registerStop } from './cleanup';
import { loadGeneratorGroup, withCpu, type Measured } from './cpu';
import { runLoad, type LoadResult } from './http-load';

export interface HttpLoadSettings {
  connections: number;
  durationSeconds: number;
}

export interface BareFastify {
  /** One load phase of `durationSeconds` against it, as the product's GET is loaded. */
  measure(durationSeconds: number): Promise<Measured<LoadResult>>;
  stop(): Promise<void>;
}

/** Starts the bare Fastify server in a child process, warmed up so the JIT has compiled the hot path (the product's GETs get a warm-up too). */
export async function startBareFastify(connections: number): Promise<BareFastify> {
  const { child, match } = await spawnNode(join(__dirname, 'bare-fastify-server.js'), /^listening (\d+)$/);
  const stop = registerStop(() => child.stop());
  const target = { path: '/hello' };
  const baseUrl = `http://127.0.0.1:${match[1]}`;
  const groups = [{ name: 'bare Fastify', pids: () => [child.process.pid!] }, loadGeneratorGroup()];
  try {
    await runLoad({ title: 'warm-up', baseUrl, next: () => target, connections, durationSeconds: 2 });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    measure: (durationSeconds) => withCpu(groups, () => runLoad({ title: 'bare Fastify GET', baseUrl, next: () => target, connections, durationSeconds })),
    stop,
  };
}

/** Bare Fastify loaded once for `durationSeconds`, then stopped. */
export async function benchBareFastify(settings: HttpLoadSettings): Promise<Measured<LoadResult>> {
  const bare = await startBareFastify(settings.connections);
  try {
    return await bare.measure(settings.durationSeconds);
  } finally {
    await bare.stop();
  }
}
