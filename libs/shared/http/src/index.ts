export * from './http-server';
export * from './openapi';
export * from './ops.controller';
export * from './problem';
export * from './problem.filter';
export * from './public.decorator';
export * from './to-app-error';
export * from './zod-input';
