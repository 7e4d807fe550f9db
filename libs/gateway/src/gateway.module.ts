import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AUTH_SERVICE, BILLING_SERVICE, DOCUMENTS_SERVICE, EXECUTIONS_SERVICE, INTEGRATION_SERVICE, SQUADS_SERVICE, TASKS_SERVICE } from '@agent-squad/contracts';
import { rpcClientProvider } from '@agent-squad/messaging';
import { ApiLatencyReporter } from './api-latency-reporter';
import { AuthGuard } from './auth/auth.guard';
import { TokenService } from './auth/token.service';
import { ApiKeysController } from './controllers/api-keys.controller';
import { AuthController } from './controllers/auth.controller';
import { BillingController } from './controllers/billing.controller';
import { DocumentsController } from './controllers/documents.controller';
import { ExecutionsController } from './controllers/executions.controller';
import { IntegrationsController } from './controllers/integrations.controller';
import { NotificationHooksController } from './controllers/notification-hooks.controller';
import { SquadsController } from './controllers/squads.controller';
import { TasksController } from './controllers/tasks.controller';
import { WebhooksController } from './controllers/webhooks.controller';
import { ExecutionStream } from './streaming/execution-stream';

/** The public REST API. It holds no domain logic: every handler calls a domain through its contract. */
@Module({
  controllers: [ApiKeysController, AuthController, BillingController, DocumentsController, ExecutionsController, IntegrationsController, NotificationHooksController, SquadsController, TasksController, WebhooksController],
  providers: [
    rpcClientProvider(AUTH_SERVICE),
    rpcClientProvider(BILLING_SERVICE),
    rpcClientProvider(DOCUMENTS_SERVICE),
    rpcClientProvider(EXECUTIONS_SERVICE),
    rpcClientProvider(INTEGRATION_SERVICE),
    rpcClientProvider(SQUADS_SERVICE),
    rpcClientProvider(TASKS_SERVICE),
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
    ExecutionStream,
    TokenService,
    ApiLatencyReporter,
  ],
})
export class GatewayModule {}
