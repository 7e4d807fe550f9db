import type { Logger } from '@nestjs/common';
import type { ServiceContract } from '@agent-squad/contracts';
import { toAppError } from './rpc-errors';

type Method = (request: unknown) => Promise<unknown>;

/**
 * The services this process serves: RPC's direct-call half, shared by both buses. A call is a
 * plain method call (no serialization); only its errors are normalised as they would be over NATS.
 */
export class LocalServices {
  private readonly services = new Map<string, object>();

  constructor(private readonly logger: Logger) {}

  register<T>(contract: ServiceContract<T>, impl: T): void {
    if (this.services.has(contract.name)) throw new Error(`Service ${contract.name} is already served by this process`);
    const missing = contract.methods.filter((method) => typeof impl[method] !== 'function');
    if (missing.length > 0) throw new Error(`Service ${contract.name}: the implementation lacks ${missing.join(', ')}`);
    this.services.set(contract.name, impl as object);
  }

  find(service: string): object | undefined {
    return this.services.get(service);
  }

  // Not async: a call that succeeds costs the caller no promise beyond the method's own.
  invoke(impl: object, service: string, method: string, request: unknown): Promise<unknown> {
    const fail = (error: unknown) => Promise.reject(toAppError(error, `${service}.${method}`, this.logger));
    try {
      return (impl as Record<string, Method>)[method]!.call(impl, request).then(undefined, fail);
    } catch (error) {
      return fail(error);
    }
  }
}
