import { Module } from '@nestjs/common';
import { SQUADS_SERVICE } from '@agent-squad/contracts';
import { DatabaseConnections, domainBackupJob } from '@agent-squad/database';
import { rpcClientProvider } from '@agent-squad/messaging';
import { IntegrationDb } from './integration-db';
import { IntegrationRpcServer } from './integration-rpc.server';
import { IntegrationsService } from './links/integrations.service';

/** Links to trackers (GitHub, Jira) and MCP servers: the platform's edge to other systems. */
@Module({
  providers: [
    { provide: IntegrationDb, useFactory: (db: DatabaseConnections) => db.client('integration', IntegrationDb), inject: [DatabaseConnections] },
    rpcClientProvider(SQUADS_SERVICE),
    domainBackupJob('integration'),
    IntegrationRpcServer,
    IntegrationsService,
  ],
})
export class IntegrationModule {}
