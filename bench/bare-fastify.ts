import { join } from 'node:path';
import { spawnNode } from './child';
import { registerStop } from './cleanup';
import { loadGeneratorGroup, withCpu, type Measured } from './cpu';
import { runLoad, type LoadResult } from './http-load';

export interface HttpLoadSettings {
  connections: number;
  durationSeconds: number;
}

/** Starts the bare Fastify server in a child process and loads it exactly as the product's GET is loaded. */
export async function benchBareFastify(settings: HttpLoadSettings): Promise<Measured<LoadResult>> {
  const { child, match } = await spawnNode(join(__dirname, 'bare-fastify-server.js'), /^listening (\d+)$/);
  const stop = registerStop(() => child.stop());
  try {
    const target = { path: '/hello' };
    const baseUrl = `http://127.0.0.1:${match[1]}`;
    // A short warm-up so the JIT has compiled the hot path, as the product's GETs get one too.
    await runLoad({ title: 'warm-up', baseUrl, next: () => target, connections: settings.connections, durationSeconds: 2 });
    const groups = [{ name: 'bare Fastify', pids: () => [child.process.pid!] }, loadGeneratorGroup()];
    return await withCpu(groups, () => runLoad({ title: 'bare Fastify GET', baseUrl, next: () => target, ...settings }));
  } finally {
    await stop();
  }
}
