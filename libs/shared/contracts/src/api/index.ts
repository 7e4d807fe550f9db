export * from './requests';
export * from './resources';
export * from './roles';
