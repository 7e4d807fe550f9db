import { randomBytes } from 'node:crypto';
import { jetstreamManager, JetStreamApiError } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { NatsBus, type NatsBusOptions } from '../nats/nats-bus';
import { NatsNames } from '../nats/nats-names';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** A namespace of its own per test file, so parallel runs never see each other's messages. */
export function randomNamespace(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** Several buses on one namespace, each its own connection: "processes" of one stack. */
export class NatsTestStack {
  readonly namespace = randomNamespace();
  private readonly buses: NatsBus[] = [];

  async bus(options: Partial<NatsBusOptions> = {}): Promise<NatsBus> {
    const bus = await NatsBus.connect({ url: NATS_URL, namespace: this.namespace, rpcTimeoutMs: 2000, ...options });
    this.buses.push(bus);
    return bus;
  }

  /** Closes every bus, then deletes the namespace's stream (and with it its consumers). */
  async dispose(): Promise<void> {
    await Promise.all(this.buses.map((bus) => bus.close()));
    const nc = await connect({ servers: NATS_URL });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(new NatsNames(this.namespace).eventStream).catch((error: unknown) => {
        if (!(error instanceof JetStreamApiError)) throw error;
      });
    } finally {
      await nc.close();
    }
  }
}
