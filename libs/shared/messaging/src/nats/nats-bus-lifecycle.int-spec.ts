import { Logger } from '@nestjs/common';
import { NatsServerProcess } from '../testing/nats-server';
import { randomNamespace } from '../testing/nats-test-kit';
import { NatsBus } from './nats-bus';

describe('NatsBus connection', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('fails to connect with a message naming the server', async () => {
    await expect(NatsBus.connect({ url: 'nats://127.0.0.1:1', namespace: randomNamespace(), rpcTimeoutMs: 1000 })).rejects.toThrow(
      'Cannot connect to NATS at nats://127.0.0.1:1',
    );
  });

  it('refuses a server without JetStream, which durable events need', async () => {
    const server = await NatsServerProcess.start({ jetstream: false });
    try {
      await expect(NatsBus.connect({ url: server.url, namespace: randomNamespace(), rpcTimeoutMs: 1000 })).rejects.toThrow('JetStream is not available');
    } finally {
      await server.stop();
    }
  });

  it('reports health while the server answers, and throws once it is gone', async () => {
    const server = await NatsServerProcess.start({ jetstream: true });
    const bus = await NatsBus.connect({ url: server.url, namespace: randomNamespace(), rpcTimeoutMs: 1000 });
    try {
      await expect(bus.health()).resolves.toBeUndefined();
      await server.stop();
      await expect(bus.health()).rejects.toThrow(`NATS at ${server.url}`);
    } finally {
      await server.stop();
      await bus.close();
    }
  });
});
