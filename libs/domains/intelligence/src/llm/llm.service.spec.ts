import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCache } from '@agent-squad/cache';
import { loadConfig, ROLES } from '@agent-squad/config';
import type { CompletionRequest, IntegrationApi, SearchHit } from '@agent-squad/contracts';
import { LocalBus } from '@agent-squad/messaging';
import { Metrics } from '@agent-squad/observability';
import type { IntelligenceDb } from '../intelligence-db';
import { PromptBuilder } from '../prompts/prompt-builder';
import { RolePrompts } from '../prompts/role-prompts';
import type { Retriever } from '../retrieval/retriever';
import { CallLedger } from './call-ledger';
import { DeltaPublisher } from './delta-publisher';
import { LlmMetrics } from './llm-metrics';
import { LlmService } from './llm.service';
import { OfflineProvider } from './offline-provider';
import { ProviderRegistry } from './provider-registry';
import { ResponseCache } from './response-cache';

const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'asq-llm-')) }, ROLES);
const HIT: SearchHit = { documentId: '0190a1b2-0000-7000-8000-000000000001', chunkId: '0190a1b2-0000-7000-8000-000000000002', content: 'Roll back with `deploy rollback`.', score: 1 };

/** The service with the offline model; the squad's documents and the llm_calls table are stand-ins that count their use. */
async function service() {
  const cache = (await testCache()).cache;
  const rolePrompts = new RolePrompts(cache);
  const searches: string[] = [];
  const retriever = { search: async (squadId: string) => (searches.push(squadId), [HIT]) } as unknown as Retriever;
  const statements: unknown[][] = [];
  const db = { $executeRaw: async (_sql: TemplateStringsArray, ...values: unknown[]) => (statements.push(values), 1) } as unknown as IntelligenceDb;
  const metrics = new Metrics();
  const llm = new LlmService(
    new ProviderRegistry(new OfflineProvider(rolePrompts, config), config),
    new PromptBuilder(rolePrompts),
    retriever,
    {} as IntegrationApi,
    new ResponseCache(cache, metrics),
    new CallLedger(db, new LlmMetrics(metrics)),
    new DeltaPublisher(new LocalBus()),
    config,
    cache,
  );
  return { llm, searches, statements };
}

const step = (executionId: string, stepIndex: number): CompletionRequest => ({
  model: 'offline',
  role: 'backend_developer',
  agentName: `Agent ${stepIndex}`,
  systemPrompt: null,
  task: { title: 'Plan the rollback', description: 'Roll back a failed deploy.' },
  priorOutputs: [],
  executionId,
  ownerId: '0190a1b2-0000-7000-8000-00000000000a',
  squadId: '0190a1b2-0000-7000-8000-00000000000b',
  memberId: `0190a1b2-0000-7000-8000-00000000001${stepIndex}`,
  stepIndex,
});

describe('LlmService', () => {
  it("retrieves an execution's context once: every step sees the same chunks, another execution searches again", async () => {
    const { llm, searches } = await service();
    const first = '0190a1b2-0000-7000-8000-0000000000e1';
    const steps = [];
    for (let index = 0; index < 3; index++) steps.push(await llm.complete(step(first, index)));
    expect(searches).toHaveLength(1);
    for (const result of steps) expect(result.citations).toEqual([{ documentId: HIT.documentId, chunkId: HIT.chunkId }]);

    await llm.complete(step('0190a1b2-0000-7000-8000-0000000000e2', 0));
    expect(searches).toHaveLength(2);
  });

  it('accounts every call, concurrent steps in shared statements', async () => {
    const { llm, statements } = await service();
    await Promise.all(Array.from({ length: 5 }, (_, index) => llm.complete(step(`0190a1b2-0000-7000-8000-0000000000f${index}`, 0))));
    // The first call's row goes alone; the four made while it was written share the next statement.
    const executionIds = statements.map((values) => values[1]);
    expect(executionIds.flat()).toHaveLength(5);
    expect(statements.length).toBeLessThan(5);
  });
});
