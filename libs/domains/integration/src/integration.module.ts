import { Module } from '@nestjs/common';
import { DOCUMENTS_SERVICE, SQUADS_SERVICE, TASKS_SERVICE } from '@agent-squad/contracts';
import { DatabaseConnections, domainBackupJob } from '@agent-squad/database';
import { rpcClientProvider } from '@agent-squad/messaging';
import { IntegrationDb } from './integration-db';
import { IntegrationRpcServer } from './integration-rpc.server';
import { IntegrationsService } from './links/integrations.service';
import { ToolRegistry } from './tools/tool-registry';
import { NotificationFanout } from './notifications/notification-fanout';
import { NotificationHooksService } from './notifications/notification-hooks.service';
import { NotificationSender } from './notifications/notification-sender';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhookIntake } from './webhooks/webhook-intake';
import { WebhookWorker } from './webhooks/webhook-worker';

/** Links to trackers (GitHub, Jira) and MCP servers, and users' notification webhooks: the platform's edge to other systems. */
@Module({
  providers: [
    { provide: IntegrationDb, useFactory: (db: DatabaseConnections) => db.client('integration', IntegrationDb), inject: [DatabaseConnections] },
    rpcClientProvider(DOCUMENTS_SERVICE),
    rpcClientProvider(SQUADS_SERVICE),
    rpcClientProvider(TASKS_SERVICE),
    domainBackupJob('integration'),
    IntegrationRpcServer,
    IntegrationsService,
    ToolRegistry,
    NotificationFanout,
    NotificationHooksService,
    NotificationSender,
    WebhookDispatcher,
    WebhookIntake,
    WebhookWorker,
  ],
})
export class IntegrationModule {}
