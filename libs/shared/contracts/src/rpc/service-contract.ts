/**
 * A domain's callable surface, declared once: an abstract class (the DI token and the type both
 * caller and implementation are checked against), a service name (the NATS subject prefix), and
 * the list of its methods (a record, so the compiler insists every method is listed).
 *
 * Every method takes one JSON object and resolves to JSON, so the messaging layer can serve it by
 * a direct call when the domain lives in the same process, or by NATS request/reply when not.
 */
export type ServiceToken<T> = abstract new (...args: never[]) => T;

export type RpcMethods<T> = { [K in keyof T]: T[K] extends (request: infer _R) => Promise<unknown> ? K : never }[keyof T] & string;

export interface ServiceContract<T> {
  readonly token: ServiceToken<T>;
  readonly name: string;
  readonly methods: readonly RpcMethods<T>[];
}

export function defineService<T>(token: ServiceToken<T>, name: string, methods: Record<RpcMethods<T>, true>): ServiceContract<T> {
  return { token, name, methods: Object.keys(methods) as RpcMethods<T>[] };
}
