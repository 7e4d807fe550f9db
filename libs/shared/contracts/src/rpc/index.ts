export * from './billing';
export * from './core';
export * from './integration';
export * from './intelligence';
export * from './service-contract';
