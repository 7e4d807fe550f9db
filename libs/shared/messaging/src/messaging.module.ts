import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { Bus } from './bus';
import { LocalBus } from './local/local-bus';
import { NatsBus } from './nats/nats-bus';

/** Connects at boot, so a missing NATS fails the start with a clear message rather than the first call. */
export async function createBus(config: AppConfig): Promise<Bus> {
  switch (config.bus.kind) {
    case 'local':
      return new LocalBus();
    case 'nats':
      return NatsBus.connect({
        url: config.bus.url,
        namespace: config.env.NAMESPACE,
        rpcTimeoutMs: config.env.RPC_TIMEOUT_MS,
        name: `${config.env.NAMESPACE}:${config.roles.join(',')}`,
      });
  }
}

/** Closes the bus after every other module's shutdown hook (global modules go last), so they can still publish. */
@Injectable()
class BusShutdown implements OnApplicationShutdown {
  constructor(@Inject(Bus) private readonly bus: Bus) {}

  onApplicationShutdown(): Promise<void> {
    return this.bus.close();
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(): DynamicModule {
    return {
      module: MessagingModule,
      providers: [{ provide: Bus, inject: [AppConfig], useFactory: createBus }, BusShutdown],
      exports: [Bus],
    };
  }
}
