export * from './context/request-context';
export * from './api-latency-window';
export * from './health';
export * from './logger';
export * from './metrics';
export * from './observability.module';
export * from './tracing/propagation';
export * from './tracing/tracing';
