import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@agent-squad/config';
import { NATS_URL, randomNamespace } from './testing/nats-test-kit';
import { Bus, MessagingModule, NatsBus } from './index';

const configFor = (natsUrl: string) =>
  loadConfig({ NATS_URL: natsUrl, NAMESPACE: randomNamespace(), JWT_SECRET: 'x'.repeat(32), ROLES: 'gateway' }, ['gateway']);

describe('MessagingModule (split)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('connects a NatsBus at boot and drains it on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(configFor(NATS_URL)), MessagingModule.forRoot()] }).compile();
    const bus = moduleRef.get(Bus);
    expect(bus).toBeInstanceOf(NatsBus);
    await expect(bus.health()).resolves.toBeUndefined();
    await moduleRef.close();
    await expect(bus.health()).rejects.toThrow('not reachable');
  });

  it('fails the boot clearly when NATS is down', async () => {
    const boot = Test.createTestingModule({ imports: [ConfigModule.forRoot(configFor('nats://127.0.0.1:1')), MessagingModule.forRoot()] }).compile();
    await expect(boot).rejects.toThrow('Cannot connect to NATS at nats://127.0.0.1:1');
  });
});
