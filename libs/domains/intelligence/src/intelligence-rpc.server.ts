import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DOCUMENTS_SERVICE, INTELLIGENCE_SERVICE } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';
import { HealthRegistry } from '@agent-squad/observability';
import { DocumentsService } from './documents/documents.service';
import { IntelligenceDb } from './intelligence-db';
import { LlmService } from './llm/llm.service';

@Injectable()
export class IntelligenceRpcServer implements OnModuleInit {
  constructor(
    private readonly bus: Bus,
    private readonly health: HealthRegistry,
    private readonly db: IntelligenceDb,
    private readonly llm: LlmService,
    private readonly documents: DocumentsService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health.register('intelligence-database', async () => {
      await this.db.$queryRaw`SELECT 1`;
    });
    await this.bus.serve(INTELLIGENCE_SERVICE, this.llm);
    await this.bus.serve(DOCUMENTS_SERVICE, this.documents);
  }
}
