import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ServiceSpec {
  name: string;
  /** Script path relative to the repo root (a built entry under dist/). */
  entry: string;
  port: number;
  env: Record<string, string>;
  logFile: string;
}

const READY = 'agent squad is ready';

/**
 * One platform process started by a test: its output goes to a log file, and `started` resolves
 * when it logs that it is ready (or rejects when it exits first).
 */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly started: Promise<void>;
  readonly exited: Promise<number | null>;
  /** It failed to listen because another process took its port between choosing and binding it. */
  portTaken = false;

  constructor(
    readonly spec: ServiceSpec,
    cwd: string,
  ) {
    this.child = spawn(process.execPath, [spec.entry], { cwd, env: { PATH: process.env.PATH ?? '', ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(spec.logFile, { flags: 'a' });
    this.child.stderr!.pipe(log);
    const exit = once(this.child, 'exit').then(([code]) => code as number | null);
    this.exited = exit;
    this.started = new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: this.child.stdout! });
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        if (line.includes(READY)) resolve();
        if (line.includes('EADDRINUSE')) this.portTaken = true;
      });
      void exit.then((code) => reject(new Error(`${spec.name} exited with ${code} before it was ready; see ${spec.logFile}`)));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then wait for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    return this.exited;
  }

  /** A graceful stop that cannot hang: still running after `graceMs`, the process is killed. */
  async stopWithin(graceMs: number): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.stop();
    } finally {
      clearTimeout(timer);
    }
  }
}
