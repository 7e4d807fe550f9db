import { Test } from '@nestjs/testing';
import { ConfigModule, DOMAINS, loadConfig } from '@agent-squad/config';
import { ObservabilityModule } from '@agent-squad/observability';
import { InlineQueue, JobQueue, QueueModule } from './index';

describe('QueueModule (embedded)', () => {
  it('provides an InlineQueue and closes it on shutdown', async () => {
    const config = loadConfig({ JWT_SECRET: 'x'.repeat(32) }, [...DOMAINS, 'worker', 'gateway']);
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), ObservabilityModule, QueueModule.forRoot()] }).compile();
    const queue = moduleRef.get(JobQueue);
    expect(queue).toBeInstanceOf(InlineQueue);
    const close = jest.spyOn(queue, 'close');
    await moduleRef.close();
    expect(close).toHaveBeenCalledTimes(1);
  });
});
