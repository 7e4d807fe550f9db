import { Logger } from '@nestjs/common';
import { DOMAINS, loadConfig } from '@agent-squad/config';
import { HealthRegistry, Metrics } from '@agent-squad/observability';
import { ManualClock } from '@agent-squad/testing';
import { DependencyMonitor } from './dependency-monitor';

describe('DependencyMonitor', () => {
  afterEach(() => jest.restoreAllMocks());

  it('checks every period, exports each dependency as up or down, and logs only the changes', async () => {
    const config = loadConfig({ JWT_SECRET: 'x'.repeat(32), HEALTH_CHECK_EVERY_MS: '15000' }, [...DOMAINS, 'worker']);
    const [health, metrics, clock] = [new HealthRegistry(), new Metrics(), new ManualClock(Date.UTC(2026, 2, 1, 12, 0, 5))];
    let redisUp = true;
    health.register('core-database', async () => undefined);
    health.register('redis', async () => {
      if (!redisUp) throw new Error('connection refused');
    });
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const monitor = new DependencyMonitor(health, clock, config, metrics);
    monitor.onApplicationBootstrap();
    const up = async () => Object.fromEntries((await metrics.registry.getSingleMetric('dependency_up')!.get()).values.map((sample) => [sample.labels['dependency'], sample.value]));

    await clock.advance(10_000);
    expect(await up()).toEqual({ 'core-database': 1, redis: 1 });
    redisUp = false;
    await clock.advance(15_000);
    await clock.advance(15_000);
    expect(await up()).toEqual({ 'core-database': 1, redis: 0 });
    redisUp = true;
    await clock.advance(15_000);
    expect(await up()).toEqual({ 'core-database': 1, redis: 1 });

    expect(warn.mock.calls).toEqual([['redis is down: connection refused']]);
    expect(log.mock.calls).toEqual([['redis is back']]);
    monitor.onApplicationShutdown();
    redisUp = false;
    await clock.advance(60_000);
    expect(await up()).toEqual({ 'core-database': 1, redis: 1 });
  });
});
