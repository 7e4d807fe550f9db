import { Module } from '@nestjs/common';
import { INTEGRATION_SERVICE, SQUADS_SERVICE } from '@agent-squad/contracts';
import { DatabaseConnections, domainBackupJob } from '@agent-squad/database';
import { rpcClientProvider } from '@agent-squad/messaging';
import { DocumentIndexer } from './documents/document-indexer';
import { DocumentWorker } from './documents/document-worker';
import { DocumentsService } from './documents/documents.service';
import { IntelligenceDb } from './intelligence-db';
import { IntelligenceRpcServer } from './intelligence-rpc.server';
import { CallLedger } from './llm/call-ledger';
import { DeltaPublisher } from './llm/delta-publisher';
import { LlmMetrics } from './llm/llm-metrics';
import { LlmService } from './llm/llm.service';
import { OfflineProvider } from './llm/offline-provider';
import { ProviderRegistry } from './llm/provider-registry';
import { ResponseCache } from './llm/response-cache';
import { PromptBuilder } from './prompts/prompt-builder';
import { RolePrompts } from './prompts/role-prompts';
import { Embeddings } from './retrieval/embeddings';
import { Retriever } from './retrieval/retriever';
import { VectorSupport } from './retrieval/vector-support';
import { LlmUsageRollup } from './usage/llm-usage-rollup';

/** LLM completions for agent steps, and the squads' documents with retrieval over them. */
@Module({
  providers: [
    { provide: IntelligenceDb, useFactory: (db: DatabaseConnections) => db.client('intelligence', IntelligenceDb), inject: [DatabaseConnections] },
    rpcClientProvider(INTEGRATION_SERVICE),
    rpcClientProvider(SQUADS_SERVICE),
    domainBackupJob('intelligence'),
    CallLedger,
    DeltaPublisher,
    DocumentIndexer,
    DocumentWorker,
    DocumentsService,
    Embeddings,
    IntelligenceRpcServer,
    LlmMetrics,
    LlmService,
    LlmUsageRollup,
    OfflineProvider,
    PromptBuilder,
    ProviderRegistry,
    ResponseCache,
    Retriever,
    RolePrompts,
    VectorSupport,
  ],
})
export class IntelligenceModule {}
