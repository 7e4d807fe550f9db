import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule, DOMAINS, loadConfig } from '@agent-squad/config';
import { Metrics, ObservabilityModule } from '@agent-squad/observability';
import { deferred } from '@agent-squad/testing';
import { JobQueue, QueueModule, QueueStats, QUEUES } from '../index';

describe('queue metrics and stats (embedded)', () => {
  async function boot() {
    const config = loadConfig({ JWT_SECRET: 'x'.repeat(32) }, [...DOMAINS, 'worker', 'gateway']);
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), ObservabilityModule, QueueModule.forRoot()] }).compile();
    // Failures below are expected: keep their log lines out of the test output.
    Logger.overrideLogger(false);
    return { moduleRef, queue: moduleRef.get(JobQueue), metrics: moduleRef.get(Metrics), stats: moduleRef.get(QueueStats) };
  }

  it('exports depth per state, the oldest waiting age, job durations, failures and worker utilisation', async () => {
    const { moduleRef, queue, metrics } = await boot();
    await queue.add(QUEUES.executions, { executionId: 'a' });
    await queue.add(QUEUES.executions, { executionId: 'b' });

    const release = deferred();
    const started = deferred();
    queue.process(
      QUEUES.executionCleanup,
      async () => {
        started.resolve();
        await release.promise;
        throw new Error('disk full');
      },
      { concurrency: 4 },
    );
    await queue.add(QUEUES.executionCleanup, {}, { attempts: 1 });
    await started.promise;

    const busy = await metrics.registry.metrics();
    expect(busy).toContain('queue_jobs{queue="executions",state="waiting"} 2');
    expect(busy).toContain('queue_jobs{queue="core.execution-cleanup",state="active"} 1');
    expect(busy).toMatch(/queue_oldest_waiting_age_seconds\{queue="executions"\} \d/);
    expect(busy).toContain('queue_oldest_waiting_age_seconds{queue="core.backup"} 0');
    expect(busy).toContain('queue_worker_busy{queue="core.execution-cleanup"} 1');
    expect(busy).toContain('queue_worker_concurrency{queue="core.execution-cleanup"} 4');
    expect(busy).toContain('queue_worker_utilisation{queue="core.execution-cleanup"} 0.25');

    release.resolve();
    await moduleRef.close();
    const after = await metrics.registry.metrics();
    expect(after).toContain('queue_jobs_failed_total{queue="core.execution-cleanup"} 1');
    expect(after).toContain('queue_job_duration_seconds_count{queue="core.execution-cleanup",outcome="failed"} 1');
    expect(after).toContain('queue_worker_utilisation{queue="core.execution-cleanup"} 0');
  });

  it('reports every queue with its counts and its last failed jobs', async () => {
    const { moduleRef, queue, stats } = await boot();
    const failed = deferred();
    queue.process(QUEUES.llmUsageRollup, async () => {
      failed.resolve();
      throw new Error('no such table');
    });
    await queue.add(QUEUES.llmUsageRollup, {}, { jobId: 'rollup-1', attempts: 1 });
    await failed.promise;
    await new Promise((resolve) => setImmediate(resolve));

    const report = await stats.report(5);
    expect(report.driver).toBe('inline');
    expect(report.queues.map((entry) => entry.name)).toEqual(expect.arrayContaining(['executions', 'core.execution-cleanup', 'billing.backup']));
    expect(report.queues.find((entry) => entry.name === 'intelligence.llm-usage-rollup')).toEqual({
      name: 'intelligence.llm-usage-rollup',
      waiting: 0,
      active: 0,
      delayed: 0,
      failed: 1,
      oldestWaitingSeconds: 0,
      lastFailed: [{ id: 'rollup-1', data: {}, error: 'no such table', attempts: 1, failedAt: expect.any(Date) }],
    });
    await moduleRef.close();
  });
});
