import { Injectable } from '@nestjs/common';

export type HealthCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string; critical?: false }>;
}

export interface HealthCheckOptions {
  /** False for a dependency the process can do without (e.g. a read replica: reads fall back to the primary); it is reported, but leaves the process ready. */
  critical?: boolean;
}

/** Readiness = every critical dependency this process uses answers. Modules register what they use. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly optional = new Set<string>();

  register(name: string, check: HealthCheck, options: HealthCheckOptions = {}): void {
    this.checks.set(name, check);
    if (options.critical === false) this.optional.add(name);
    else this.optional.delete(name);
  }

  async readiness(timeoutMs = 2000): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs, name);
          return [name, { ok: true, ...this.criticality(name) }] as const;
        } catch (error) {
          return [name, { ok: false, error: error instanceof Error ? error.message : String(error), ...this.criticality(name) }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([name, result]) => result.ok || this.optional.has(name)), checks };
  }

  private criticality(name: string): { critical?: false } {
    return this.optional.has(name) ? { critical: false } : {};
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
