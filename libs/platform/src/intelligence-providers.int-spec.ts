import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DOMAINS, loadConfig } from '@agent-squad/config';
import { AUTH_SERVICE, DOCUMENTS_SERVICE, EXECUTIONS_SERVICE, INTELLIGENCE_SERVICE, SQUADS_SERVICE, TASKS_SERVICE, type CreateMemberInput, type User } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';
import { InlineQueue, JobQueue, QUEUES } from '@agent-squad/queue';

import { FakeLlmServer, JobRecorder, jsonError, sse, type FakeHandler, type RecordedRequest } from '@agent-squad/testing';
import { PlatformModule } from './platform.module';

/** Fake embeddings: one dimension per concept, so "automobile" lands next to "car" while sharing no word with it. */
const CONCEPTS = [
  ['car', 'cars', 'automobile', 'vehicle', 'engine'],
  ['cat', 'cats', 'feline', 'kitten'],
  ['invoice', 'payment', 'billing', 'money'],
  ['deploy', 'release', 'rollout', 'rollback'],
];
function embed(text: string): number[] {
  const vector = [0, 0, 0, 0, 0.01];
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) CONCEPTS.forEach((words, dim) => words.includes(word) && (vector[dim]! += 1));
  return vector;
}
const embeddingsHandler: FakeHandler = (request, response) => {
  const input = request.body['input'] as string[];
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ object: 'list', model: 'fake', data: input.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) })), usage: { prompt_tokens: 1, total_tokens: 1 } }));
};

function chat(text: string): FakeHandler {
  return (_request: RecordedRequest, response: ServerResponse) => {
    const out = sse(response);
    out.send({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
    out.send({ id: 'c', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 100, completion_tokens: 20 } });
    out.send('[DONE]');
    out.end();
  };
}

const BREAKER_HALF_OPEN_MS = 1500;

/**
 * The embedded platform (PGlite, which has pgvector) wired as `npm start` wires it, with the
 * `openai` provider and the embeddings pointed at local fake servers speaking OpenAI's wire format.
 */
describe('intelligence with real provider adapters (embedded platform)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'asq-intelligence-'));
  const recorder = new JobRecorder();
  let llm: FakeLlmServer;
  let embeddings: FakeLlmServer;
  let moduleRef: TestingModule;
  let bus: Bus;
  let user: User;

  beforeAll(async () => {
    [llm, embeddings] = await Promise.all([FakeLlmServer.start(), FakeLlmServer.start()]);
    embeddings.answer(embeddingsHandler);
    const config = loadConfig(
      {
        DATA_DIR: dataDir,
        JWT_SECRET: 'x'.repeat(32),
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: `${llm.url}/v1`,
        EMBEDDINGS_BASE_URL: embeddings.url,
        LLM_MAX_RETRIES: '0',
        LLM_TIMEOUT_MS: '5000',
        LLM_BREAKER_FAILURES: '2',
        LLM_BREAKER_HALF_OPEN_MS: String(BREAKER_HALF_OPEN_MS),
      },
      [...DOMAINS, 'worker'],
    );
    moduleRef = await Test.createTestingModule({ imports: [PlatformModule.for(config)] })
      .overrideProvider(JobQueue)
      .useValue(new InlineQueue({ concurrency: 10, retry: { attempts: 5, backoffMs: 5 }, observer: recorder }))
      .compile();
    Logger.overrideLogger(false);
    await moduleRef.init();
    bus = moduleRef.get(Bus);
    user = await bus.client(AUTH_SERVICE).signup({ email: 'ada@example.com', password: 'correct-horse', name: 'Ada' });
  }, 180_000);

  afterAll(async () => {
    await moduleRef?.close();
    await Promise.all([llm?.close(), embeddings?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const squad = (members: CreateMemberInput[]) => bus.client(SQUADS_SERVICE).create({ ownerId: user.id, input: { name: 'S', members } });
  const runTask = async (squadId: string) => {
    const done = recorder.next(QUEUES.executions.name, 'completed');
    const { execution } = await bus.client(TASKS_SERVICE).submit({ ownerId: user.id, squadId, input: { title: 'Pick a car', description: 'Which vehicle fits a family?' } });
    await done;
    return bus.client(EXECUTIONS_SERVICE).get({ ownerId: user.id, executionId: execution.id });
  };
  const addDocument = async (squadId: string, title: string, content: string) => {
    const indexed = recorder.next(QUEUES.documents.name);
    const document = await bus.client(DOCUMENTS_SERVICE).add({ ownerId: user.id, squadId, input: { title, content } });
    expect(await indexed).toBe('completed');
    return document;
  };
  const request = (temperature: number) => ({
    model: 'openai:gpt-4o-mini',
    role: 'qa_tester' as const,
    agentName: 'Q',
    systemPrompt: null,
    task: { title: 'Test the login', description: 'Cover the lockout.' },
    priorOutputs: [],
    temperature,
  });

  it('answers a repeated deterministic call from the response cache; a sampled call always reaches the provider', async () => {
    llm.answer(chat('Deterministic answer.'));
    const intelligence = bus.client(INTELLIGENCE_SERVICE);
    const first = await intelligence.complete(request(0));
    const second = await intelligence.complete(request(0));
    expect(llm.requests).toHaveLength(1);
    expect(second.content).toBe(first.content);
    expect(first.usage).toEqual({ promptTokens: 100, completionTokens: 20 });
    expect(first.costUsd).toBeCloseTo((100 * 0.15 + 20 * 0.6) / 1e6, 12);
    expect(second.usage).toEqual({ promptTokens: 0, completionTokens: 0 }); // nothing was paid for

    await intelligence.complete(request(0.7));
    await intelligence.complete(request(0.7));
    expect(llm.requests).toHaveLength(3);
  });

  it('ranks by full-text and vector similarity fused (hybrid) when an embedding provider is configured', async () => {
    const { id: squadId } = await squad([{ role: 'qa_tester', model: 'offline' }]);
    const cars = await addDocument(squadId, 'Garage', 'My car needs new tyres and the engine makes a noise.');
    await addDocument(squadId, 'Pets', 'The cat sleeps all day; kittens play at night.');
    embeddings.requests.length = 0;

    // "automobile" shares no word with the garage note: only its embedding finds it.
    const { results } = await bus.client(DOCUMENTS_SERVICE).search({ ownerId: user.id, squadId, input: { query: 'automobile', limit: 5 } });
    expect(results[0]).toMatchObject({ documentId: cars.id });
    expect(embeddings.requests).toHaveLength(1);
  });

  it("offers the member's tools and runs the model's tool calls through the integration domain", async () => {
    const { id: squadId } = await squad([{ role: 'qa_tester', model: 'openai:gpt-4o', tools: ['document_search'] }]);
    await addDocument(squadId, 'Release notes', 'The rollout of version 2 starts on Monday.');
    llm.answer((_request, response) => {
      const out = sse(response);
      out.send({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'document_search', arguments: '{"query":"rollout version"}' } }] }, finish_reason: null }] });
      out.send('[DONE]');
      out.end();
    }, chat('The rollout starts Monday [chunk cited].'));

    const execution = await runTask(squadId);

    expect(execution.status).toBe('completed');
    expect(llm.requests[0]!.body['tools']).toEqual([expect.objectContaining({ type: 'function', function: expect.objectContaining({ name: 'document_search' }) })]);
    const toolAnswer = (llm.requests[1]!.body['messages'] as { role: string; content: string }[]).find((message) => message.role === 'tool');
    expect(toolAnswer?.content).toMatch(/^\[chunk:[0-9a-f-]{36}\] .*rollout of version 2/s);
  });

  it("fails an execution whose provider is down with a readable error, then fails fast on the open breaker, and a half-open probe closes it", async () => {
    const { id: squadId } = await squad([{ role: 'qa_tester', model: 'openai:gpt-4o-mini' }]);
    llm.answer(jsonError(503, 'upstream overloaded'));

    const failed = await runTask(squadId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^QA Tester \(qa_tester\): openai is failing: its circuit breaker is open after 2 failed calls in a row/);
    expect(llm.requests).toHaveLength(2); // the breaker stopped every later attempt before the network

    llm.answer(chat('Back online.'));
    await new Promise((resolve) => setTimeout(resolve, BREAKER_HALF_OPEN_MS)); // the breaker's own clock: nothing to await
    const recovered = await runTask(squadId);
    expect(recovered.status).toBe('completed');
    expect(recovered.result).toBe('Back online.');
  });

  it("uses the member's fallback model when its provider fails", async () => {
    llm.answer(jsonError(401, 'invalid api key'));
    const answer = await bus.client(INTELLIGENCE_SERVICE).complete({ ...request(0.7), fallbackModel: 'offline' });
    expect(answer.offline).toBe(true);
    expect(answer.content).toMatch(/^\[offline\]/);
    await expect(bus.client(INTELLIGENCE_SERVICE).complete(request(0.7))).rejects.toThrow(/openai answered 401/);

    const { id: squadId } = await squad([{ role: 'qa_tester', model: 'openai:gpt-4o-mini', fallbackModel: 'offline' }]);
    const execution = await runTask(squadId);
    expect(execution.status).toBe('completed');
    expect(execution.result).toMatch(/^\[offline\] QA Tester \(qa_tester\)/);
  });
});
