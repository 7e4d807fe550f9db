import { ErrorCode } from '@agent-squad/contracts';
import { AnthropicProvider } from './anthropic-provider';
import { FakeLlmServer, hang, jsonError, sse, type FakeHandler } from '@agent-squad/testing';
import { FAST_RESILIENCE, providerCall, when } from './testing/provider-call';

type Send = ReturnType<typeof sse>['send'];
const event = (send: Send, type: string, body: Record<string, unknown> = {}) => send({ type, ...body }, type);
const start = (send: Send) => event(send, 'message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-test', content: [], usage: { input_tokens: 30, output_tokens: 1 } } });
const stop = (send: Send, outputTokens = 9) => {
  event(send, 'message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: outputTokens } });
  event(send, 'message_stop');
};

const streamed =
  (...pieces: string[]): FakeHandler =>
  (_request, response) => {
    const out = sse(response);
    start(out.send);
    event(out.send, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    for (const text of pieces) event(out.send, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
    event(out.send, 'content_block_stop', { index: 0 });
    stop(out.send);
    out.end();
  };

describe('AnthropicProvider against an Anthropic Messages wire-format server', () => {
  let server: FakeLlmServer;
  let provider: AnthropicProvider;

  beforeAll(async () => {
    server = await FakeLlmServer.start();
  });
  beforeEach(() => {
    provider = new AnthropicProvider({ apiKey: 'sk-ant-test', baseURL: server.url, resilience: FAST_RESILIENCE });
  });
  afterAll(() => server.close());

  it('streams the answer: text reaches the caller while the server is still writing', async () => {
    const pieces: string[] = [];
    const firstSeen = when(() => pieces.length > 0);
    server.answer(async (_request, response) => {
      const out = sse(response);
      start(out.send);
      event(out.send, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      event(out.send, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello' } });
      await firstSeen.promise;
      event(out.send, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text: ', world' } });
      event(out.send, 'content_block_stop', { index: 0 });
      stop(out.send);
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
    expect(completion).toEqual({ content: 'Hello, world', toolCalls: [], usage: { promptTokens: 30, completionTokens: 9 } });
    expect(server.requests[0]!.path).toBe('/v1/messages');
    expect(server.requests[0]!.body).toMatchObject({ model: 'test-model', system: 'You are a tester.', stream: true, messages: [{ role: 'user', content: '# Task: check\n\nCheck it.' }] });
  });

  it('offers tools, sends tool results back as tool_result blocks, and assembles a streamed tool_use', async () => {
    server.answer((_request, response) => {
      const out = sse(response);
      start(out.send);
      event(out.send, 'content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'document_search', input: {} } });
      event(out.send, 'content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"query": "ret' } });
      event(out.send, 'content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: 'ry"}' } });
      event(out.send, 'content_block_stop', { index: 0 });
      stop(out.send);
      out.end();
    });
    const tools = [{ name: 'document_search', description: 'Search', parameters: { type: 'object', properties: { query: { type: 'string' } } } }];
    const completion = await provider.complete(
      providerCall({ tools, turns: [{ kind: 'assistant', content: 'Looking.', toolCalls: [{ id: 'toolu_0', name: 'document_search', arguments: { query: 'x' } }] }, { kind: 'tool', callId: 'toolu_0', content: 'nothing' }] }),
    );
    expect(completion.toolCalls).toEqual([{ id: 'toolu_1', name: 'document_search', arguments: { query: 'retry' } }]);
    const body = server.requests[0]!.body;
    expect(body['tools']).toEqual([{ name: 'document_search', description: 'Search', input_schema: tools[0]!.parameters }]);
    expect((body['messages'] as unknown[]).slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'text', text: 'Looking.' }, { type: 'tool_use', id: 'toolu_0', name: 'document_search', input: { query: 'x' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_0', content: 'nothing' }] },
    ]);
  });

  it("waits out a 429's retry-after, then succeeds", async () => {
    server.answer(jsonError(429, 'rate limited', { 'retry-after': '1' }), streamed('ok'));
    expect((await provider.complete(providerCall())).content).toBe('ok');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries 5xx (529 overloaded included) and reports the last failure', async () => {
    server.answer(jsonError(529, 'overloaded'), streamed('recovered'));
    expect((await provider.complete(providerCall())).content).toBe('recovered');
    server.answer(jsonError(500, 'boom'));
    await expect(provider.complete(providerCall())).rejects.toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringMatching(/anthropic answered 500/) });
    expect(server.requests).toHaveLength(1 + FAST_RESILIENCE.maxRetries);
  });

  it('does not retry a refused request (4xx)', async () => {
    server.answer(jsonError(400, 'max_tokens: too large'));
    await expect(provider.complete(providerCall())).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    expect(server.requests).toHaveLength(1);
  });

  it('times out a provider that never answers, without hanging', async () => {
    server.answer(hang);
    await expect(provider.complete(providerCall())).rejects.toMatchObject({ code: ErrorCode.Timeout });
    expect(server.requests).toHaveLength(1 + FAST_RESILIENCE.maxRetries);
  });

  it('rejects malformed answers: a stream cut before message_stop, tool input that is not JSON', async () => {
    server.answer((_request, response) => {
      const out = sse(response);
      start(out.send);
      event(out.send, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      event(out.send, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'cut' } });
      out.end();
    });
    await expect(provider.complete(providerCall())).rejects.toMatchObject({ message: expect.stringMatching(/anthropic sent a malformed answer: the stream ended before `message_stop`/) });
    server.answer((_request, response) => {
      const out = sse(response);
      start(out.send);
      event(out.send, 'content_block_start', { index: 0, content_block: { type: 'tool_use', id: 't', name: 'document_search', input: {} } });
      event(out.send, 'content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"query": ' } });
      event(out.send, 'content_block_stop', { index: 0 });
      stop(out.send);
      out.end();
    });
    await expect(provider.complete(providerCall())).rejects.toMatchObject({ message: expect.stringMatching(/tool call arguments are not JSON/) });
    expect(server.requests).toHaveLength(1);
  });
});
