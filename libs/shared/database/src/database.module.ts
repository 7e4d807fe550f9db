import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule } from '@agent-squad/observability';
import { DatabaseConnections } from './database-connections';

/**
 * Makes `DatabaseConnections` injectable everywhere; needs `ConfigModule.forRoot(...)` (AppConfig).
 * Domain modules bind their own client token with it, e.g.
 * `{ provide: CoreDb, useFactory: (db: DatabaseConnections) => db.client('core', CoreDb), inject: [DatabaseConnections] }`.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return { module: DatabaseModule, imports: [ObservabilityModule], providers: [DatabaseConnections], exports: [DatabaseConnections] };
  }
}
