import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../stack/free-port';
import { REPO_ROOT } from '../stack/stack';

/**
 * The shipped NGINX config (deploy/nginx/nginx.conf) run by Debian's nginx, templated only for
 * this machine: upstream `host:port` pairs and the listening port. Its pid and error log go to a
 * folder of its own.
 */
export class LocalNginx {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(upstreams: Record<string, number>): Promise<LocalNginx> {
    const dir = mkdtempSync(join(tmpdir(), 'asq-nginx-'));
    const port = await freePort();
    let config = readFileSync(join(REPO_ROOT, 'deploy', 'nginx', 'nginx.conf'), 'utf8');
    for (const [upstream, local] of Object.entries(upstreams)) config = config.replace(`server ${upstream} `, `server 127.0.0.1:${local} `);
    config = config.replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
    writeFileSync(join(dir, 'nginx.conf'), config);
    const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`], { stdio: ['ignore', 'ignore', 'pipe'] });
    const nginx = new LocalNginx(child, dir, port);
    await nginx.ready();
    return nginx;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Resolves once NGINX accepts connections (it tells nothing when it does: polled, bounded);
   * rejects if it exits first, e.g. on a config error.
   */
  private async ready(): Promise<void> {
    let stderr = '';
    this.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        const log = join(this.dir, 'error.log');
        throw new Error(`nginx exited (${this.child.exitCode}): ${stderr}${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
      }
      if (await fetch(`${this.url}/health/live`).then(() => true, () => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`nginx did not listen on ${this.url} within 10 s`);
  }
}
