import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@agent-squad/config';
import { ObservabilityModule } from '@agent-squad/observability';
import { deleteKeys, randomPrefix, REDIS_URL } from './testing/redis-test-kit';
import { BullMqQueue, defineQueue, JobQueue, QueueModule } from './index';

const namespace = randomPrefix();
const configFor = (redisUrl: string) =>
  loadConfig(
    { NATS_URL: 'nats://127.0.0.1:4222', REDIS_URL: redisUrl, NAMESPACE: namespace, JWT_SECRET: 'x'.repeat(32), ROLES: 'worker', JOB_LOCK_MS: '1000' },
    ['worker'],
  );

describe('QueueModule (split)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => deleteKeys(namespace));

  it('connects a BullMqQueue at boot and closes it on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(configFor(REDIS_URL)), ObservabilityModule, QueueModule.forRoot()] }).compile();
    const queue = moduleRef.get(JobQueue);
    expect(queue).toBeInstanceOf(BullMqQueue);
    const probe = defineQueue<null>('probe');
    await expect(queue.counts(probe)).resolves.toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    await moduleRef.close();
    await expect(queue.counts(probe)).rejects.toThrow('closed');
  });

  it('fails the boot clearly when Redis is down', async () => {
    const boot = Test.createTestingModule({ imports: [ConfigModule.forRoot(configFor('redis://127.0.0.1:1')), ObservabilityModule, QueueModule.forRoot()] }).compile();
    await expect(boot).rejects.toThrow('Cannot connect to Redis at redis://127.0.0.1:1');
  });
});
