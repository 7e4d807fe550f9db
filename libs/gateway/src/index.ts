export * from './gateway.module';
export { AuthGuard } from './auth/auth.guard';
