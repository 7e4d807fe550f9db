import { Module } from '@nestjs/common';
import { DatabaseConnections, domainBackupJob } from '@agent-squad/database';
import { IntelligenceDb } from './intelligence-db';
import { IntelligenceRpcServer } from './intelligence-rpc.server';
import { LlmMetrics } from './llm/llm-metrics';
import { LlmService } from './llm/llm.service';
import { OfflineProvider } from './llm/offline-provider';
import { PromptBuilder } from './prompts/prompt-builder';
import { RolePrompts } from './prompts/role-prompts';
import { LlmUsageRollup } from './usage/llm-usage-rollup';

/** LLM completions for agent steps (and, later, retrieval over squad documents). */
@Module({
  providers: [
    { provide: IntelligenceDb, useFactory: (db: DatabaseConnections) => db.client('intelligence', IntelligenceDb), inject: [DatabaseConnections] },
    domainBackupJob('intelligence'),
    IntelligenceRpcServer,
    LlmMetrics,
    LlmService,
    LlmUsageRollup,
    OfflineProvider,
    PromptBuilder,
    RolePrompts,
  ],
})
export class IntelligenceModule {}
