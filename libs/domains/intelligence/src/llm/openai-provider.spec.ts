import { ErrorCode } from '@agent-squad/contracts';
import { OpenAiCompatibleProvider } from './openai-provider';
import { FakeLlmServer, hang, jsonError, sse, type FakeHandler } from '@agent-squad/testing';
import { FAST_RESILIENCE, providerCall, when } from './testing/provider-call';

const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id: 'c1', object: 'chat.completion.chunk', model: 'test-model', choices: [{ index: 0, delta, finish_reason: null }], ...extra });
const usageChunk = { id: 'c1', object: 'chat.completion.chunk', model: 'test-model', choices: [], usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 } };

const streamed =
  (...pieces: string[]): FakeHandler =>
  (_request, response) => {
    const out = sse(response);
    for (const piece of pieces) out.send(chunk({ content: piece }));
    out.send(usageChunk);
    out.send('[DONE]');
    out.end();
  };

describe('OpenAiCompatibleProvider against an OpenAI wire-format server', () => {
  let server: FakeLlmServer;
  let provider: OpenAiCompatibleProvider;

  beforeAll(async () => {
    server = await FakeLlmServer.start();
  });
  beforeEach(() => {
    provider = new OpenAiCompatibleProvider({ name: 'openai', apiKey: 'sk-test', baseURL: `${server.url}/v1`, resilience: FAST_RESILIENCE });
  });
  afterAll(() => server.close());

  it('streams the answer: text reaches the caller while the server is still writing', async () => {
    const pieces: string[] = [];
    const firstSeen = when(() => pieces.length > 0);
    server.answer(async (_request, response) => {
      const out = sse(response);
      out.send(chunk({ role: 'assistant', content: 'Hello' }));
      await firstSeen.promise; // the rest is written only after the caller saw the first piece
      out.send(chunk({ content: ', world' }));
      out.send(usageChunk);
      out.send('[DONE]');
      out.end();
    });
    const completion = await provider.complete(
      providerCall({
        onDelta: (text) => {
          pieces.push(text);
          firstSeen.poke();
        },
      }),
    );
    expect(pieces).toEqual(['Hello', ', world']);
    expect(completion).toEqual({ content: 'Hello, world', toolCalls: [], usage: { promptTokens: 42, completionTokens: 7 } });
    const body = server.requests[0]!.body;
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(body).toMatchObject({ model: 'test-model', stream: true, temperature: 0.2 });
    expect(body['messages']).toEqual([
      { role: 'system', content: 'You are a tester.' },
      { role: 'user', content: '# Task: check\n\nCheck it.' },
    ]);
  });

  it('offers tools and assembles a tool call whose arguments arrive in pieces', async () => {
    server.answer((_request, response) => {
      const out = sse(response);
      out.send(chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'document_search', arguments: '{"que' } }] }));
      out.send(chunk({ tool_calls: [{ index: 0, function: { arguments: 'ry":"retry policy"}' } }] }));
      out.send(usageChunk);
      out.send('[DONE]');
      out.end();
    });
    const tools = [{ name: 'document_search', description: 'Search', parameters: { type: 'object', properties: { query: { type: 'string' } } } }];
    const completion = await provider.complete(
      providerCall({ tools, turns: [{ kind: 'assistant', content: '', toolCalls: [{ id: 'call_0', name: 'document_search', arguments: { query: 'x' } }] }, { kind: 'tool', callId: 'call_0', content: 'nothing' }] }),
    );
    expect(completion.toolCalls).toEqual([{ id: 'call_1', name: 'document_search', arguments: { query: 'retry policy' } }]);
    const body = server.requests[0]!.body;
    expect(body['tools']).toEqual([{ type: 'function', function: tools[0] }]);
    expect((body['messages'] as unknown[]).slice(2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'document_search', arguments: '{"query":"x"}' } }] },
      { role: 'tool', tool_call_id: 'call_0', content: 'nothing' },
    ]);
  });

  it("waits out a 429's retry-after, then succeeds", async () => {
    server.answer(jsonError(429, 'slow down', { 'retry-after': '1' }), streamed('ok'));
    const completion = await provider.complete(providerCall());
    expect(completion.content).toBe('ok');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries a 5xx with backoff, and gives up after the last retry with the status in the error', async () => {
    server.answer(jsonError(503, 'overloaded'), streamed('recovered'));
    expect((await provider.complete(providerCall())).content).toBe('recovered');
    server.answer(jsonError(500, 'boom'));
    await expect(provider.complete(providerCall())).rejects.toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringMatching(/openai answered 500/) });
    expect(server.requests).toHaveLength(1 + FAST_RESILIENCE.maxRetries);
  });

  it('does not retry a request the provider refuses (4xx)', async () => {
    server.answer(jsonError(401, 'bad key'));
    await expect(provider.complete(providerCall())).rejects.toMatchObject({ code: ErrorCode.BadRequest, message: expect.stringMatching(/401/) });
    expect(server.requests).toHaveLength(1);
  });

  it('times out a provider that never answers, each try, without hanging', async () => {
    server.answer(hang);
    const started = performance.now();
    await expect(provider.complete(providerCall())).rejects.toMatchObject({ code: ErrorCode.Timeout });
    expect(server.requests).toHaveLength(1 + FAST_RESILIENCE.maxRetries);
    expect(performance.now() - started).toBeLessThan((1 + FAST_RESILIENCE.maxRetries) * FAST_RESILIENCE.timeoutMs + 2000);
  });

  it('rejects malformed answers with a clear error: bad JSON, no choices, a stream without an answer', async () => {
    server.answer((_request, response) => {
      const out = sse(response);
      out.raw('data: {not json\n\n');
      out.end();
    });
    await expect(provider.complete(providerCall())).rejects.toMatchObject({ message: expect.stringMatching(/openai sent a malformed answer/) });
    server.answer((_request, response) => {
      const out = sse(response);
      out.send({ id: 'x', object: 'chat.completion.chunk' });
      out.send('[DONE]');
      out.end();
    });
    await expect(provider.complete(providerCall())).rejects.toMatchObject({ message: expect.stringMatching(/malformed answer: a chunk without `choices`/) });
    server.answer((_request, response) => {
      const out = sse(response);
      out.send('[DONE]');
      out.end();
    });
    await expect(provider.complete(providerCall())).rejects.toMatchObject({ message: expect.stringMatching(/malformed answer: the stream ended without an answer/) });
    expect(server.requests).toHaveLength(1);
  });

  it('opens its breaker after repeated failures, fails fast, and closes it after a successful half-open probe', async () => {
    const breaking = new OpenAiCompatibleProvider({ name: 'openai', apiKey: 'sk-test', baseURL: `${server.url}/v1`, resilience: { ...FAST_RESILIENCE, maxRetries: 0 } });
    server.answer(jsonError(503, 'down'));
    for (let failure = 0; failure < FAST_RESILIENCE.breakerFailures; failure++) await expect(breaking.complete(providerCall())).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    expect(breaking.breakerState).toBe('open');
    const started = performance.now();
    await expect(breaking.complete(providerCall())).rejects.toThrow(/circuit breaker is open after 3 failed calls/);
    expect(performance.now() - started).toBeLessThan(FAST_RESILIENCE.timeoutMs / 2);
    expect(server.requests).toHaveLength(FAST_RESILIENCE.breakerFailures);

    server.answer(streamed('back'));
    await new Promise((resolve) => setTimeout(resolve, FAST_RESILIENCE.breakerHalfOpenMs + 50)); // the breaker's own clock: nothing to await
    expect((await breaking.complete(providerCall())).content).toBe('back');
    expect(breaking.breakerState).toBe('closed');
  });
});
