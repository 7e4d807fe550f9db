export * from './bus';
export * from './local/local-bus';
export * from './messaging.module';
export * from './nats/nats-bus';
export * from './rpc/rpc-client.provider';
