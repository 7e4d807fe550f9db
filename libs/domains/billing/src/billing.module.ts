import { Module } from '@nestjs/common';
import { DatabaseConnections, domainBackupJob } from '@agent-squad/database';
import { BillingDb } from './billing-db';
import { BillingRpcServer } from './billing-rpc.server';
import { UsageMeter } from './usage/usage-meter';
import { UsageService } from './usage/usage.service';

/** Plans, metered usage and quota enforcement. */
@Module({
  providers: [
    { provide: BillingDb, useFactory: (db: DatabaseConnections) => db.client('billing', BillingDb), inject: [DatabaseConnections] },
    domainBackupJob('billing'),
    BillingRpcServer,
    UsageMeter,
    UsageService,
  ],
})
export class BillingModule {}
