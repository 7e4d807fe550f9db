import type { FactoryProvider } from '@nestjs/common';
import type { ServiceContract } from '@agent-squad/contracts';
import { Bus } from '../bus';

/** Makes a contract's abstract class injectable as its client, wherever the service runs. */
export function rpcClientProvider<T>(contract: ServiceContract<T>): FactoryProvider<T> {
  return { provide: contract.token, inject: [Bus], useFactory: (bus: Bus) => bus.client(contract) };
}
