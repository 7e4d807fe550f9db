import { Module } from '@nestjs/common';
import { BILLING_SERVICE, INTELLIGENCE_SERVICE } from '@agent-squad/contracts';
import { DatabaseConnections, domainBackupJob } from '@agent-squad/database';
import { rpcClientProvider } from '@agent-squad/messaging';
import { AuthService } from './auth/auth.service';
import { CoreDb } from './core-db';
import { CoreRpcServer } from './core-rpc.server';
import { ExecutionAdmission } from './executions/execution-admission';
import { ExecutionClaims } from './executions/execution-claims';
import { ExecutionEventLog } from './executions/execution-event-log';
import { ExecutionFactory } from './executions/execution-factory';
import { ExecutionFinisher } from './executions/execution-finisher';
import { ExecutionLeases } from './executions/execution-leases';
import { ExecutionDispatcher } from './executions/execution-queue';
import { ExecutionReconciler } from './executions/execution-reconciler';
import { ExecutionRunner } from './executions/execution-runner';
import { ExecutionsService } from './executions/executions.service';
import { ExecutionWorker } from './executions/execution-worker';
import { StepRecorder } from './executions/step-recorder';
import { ExecutionCleanup } from './maintenance/execution-cleanup';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';
import { CachedWrites } from './shared/cached-writes';
import { SquadsService } from './squads/squads.service';
import { IdempotencyStore } from './tasks/idempotency';
import { QuotaGate } from './tasks/quota-gate';
import { TasksService } from './tasks/tasks.service';

/**
 * Rows that workers and relays change while users watch them (an execution's state right after
 * its `done` event, for one): read from the primary, never from a replica that may not have them yet.
 */
const LIVE_MODELS = ['task', 'execution', 'executionSlot', 'executionStep', 'message', 'executionEvent', 'idempotencyRecord', 'outboxEvent'];

/** Users, squads, tasks and executions: the `core` role serves them, the `worker` role runs executions. */
@Module({
  providers: [
    { provide: CoreDb, useFactory: (db: DatabaseConnections) => db.client('core', CoreDb, { primaryReads: LIVE_MODELS }), inject: [DatabaseConnections] },
    rpcClientProvider(BILLING_SERVICE),
    rpcClientProvider(INTELLIGENCE_SERVICE),
    domainBackupJob('core'),
    AuthService,
    CachedWrites,
    CoreRpcServer,
    ExecutionCleanup,
    ExecutionAdmission,
    ExecutionClaims,
    ExecutionDispatcher,
    ExecutionEventLog,
    ExecutionFactory,
    ExecutionFinisher,
    ExecutionLeases,
    ExecutionReconciler,
    ExecutionRunner,
    ExecutionsService,
    ExecutionWorker,
    IdempotencyStore,
    Outbox,
    OutboxRelay,
    QuotaGate,
    SquadsService,
    StepRecorder,
    TasksService,
  ],
})
export class CoreModule {}
