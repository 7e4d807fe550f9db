import type { ServiceContract } from '@agent-squad/contracts';

export type RpcCall = (method: string, request: unknown) => Promise<unknown>;

/** A typed client with one function per listed method; `call` decides per call where it goes. */
export function createClient<T>(contract: ServiceContract<T>, call: RpcCall): T {
  const client: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const method of contract.methods) client[method] = (request) => call(method, request);
  return Object.freeze(client) as T;
}
