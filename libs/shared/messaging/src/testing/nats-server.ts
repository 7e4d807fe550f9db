import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.NATS_SERVER_BIN ?? 'nats-server';

/** A private nats-server on a free port, for tests that must take the server away. */
export class NatsServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly storeDir: string,
  ) {}

  static start(options: { jetstream: boolean }): Promise<NatsServerProcess> {
    const storeDir = mkdtempSync(join(tmpdir(), 'nats-test-'));
    const args = ['-a', '127.0.0.1', '-p', '-1', ...(options.jetstream ? ['-js', '-sd', storeDir] : [])];
    const child = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Promise((resolve, reject) => {
      let log = '';
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${log}`)));
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const port = /Listening for client connections on [\d.]+:(\d+)/.exec(log)?.[1];
        if (port) resolve(new NatsServerProcess(child, `nats://127.0.0.1:${port}`, storeDir));
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
