import { testCache } from '@agent-squad/cache';
import { loadConfig, ROLES } from '@agent-squad/config';
import type { CompletionRequest } from '@agent-squad/contracts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PromptBuilder } from '../prompts/prompt-builder';
import { RolePrompts } from '../prompts/role-prompts';
import { parseModelRef } from './llm-provider';
import { OfflineProvider } from './offline-provider';

const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'asq-llm-')) }, ROLES);
let prompts: PromptBuilder;
let provider: OfflineProvider;

beforeAll(async () => {
  const rolePrompts = new RolePrompts((await testCache()).cache);
  prompts = new PromptBuilder(rolePrompts);
  provider = new OfflineProvider(rolePrompts, config);
});

const request = (overrides: Partial<CompletionRequest> = {}): CompletionRequest => ({
  model: 'offline',
  role: 'backend_developer',
  agentName: 'Bea',
  systemPrompt: null,
  task: { title: 'Add password reset', description: 'Users reset a forgotten password by email; reset links expire after one hour.' },
  priorOutputs: [],
  ...overrides,
});

const complete = async (input: CompletionRequest, onDelta?: (text: string) => void) =>
  provider.complete({ model: parseModelRef(input.model, 'offline').model, prompt: await prompts.build(input), request: input, turns: [], tools: [], temperature: 0, onDelta });

describe('OfflineProvider', () => {
  it('answers deterministically, labelled offline, naming the role and the task', async () => {
    const first = await complete(request());
    const second = await complete(request());
    expect(first).toEqual(second);
    expect(first.content).toMatch(/^\[offline\] Bea \(backend_developer\) on "Add password reset"/);
    expect(first.content).toContain('APIs, data models');
  });

  it("builds on every earlier agent's output", async () => {
    const { content } = await complete(
      request({
        role: 'qa_tester',
        priorOutputs: [
          { role: 'project_manager', name: 'Pat', content: 'plan' },
          { role: 'backend_developer', name: 'Bea', content: 'api' },
        ],
      }),
    );
    expect(content).toContain('Building on: Pat (project_manager), Bea (backend_developer).');
  });

  it('counts prompt and completion tokens, more prompt tokens for a longer task', async () => {
    const short = await complete(request());
    const long = await complete(request({ task: { title: 'Add password reset', description: 'x '.repeat(2000) } }));
    expect(short.usage.promptTokens).toBeGreaterThan(0);
    expect(short.usage.completionTokens).toBeGreaterThan(0);
    expect(long.usage.promptTokens).toBeGreaterThan(short.usage.promptTokens + 900);
  });

  it('streams its answer in pieces that add up to it', async () => {
    const pieces: string[] = [];
    const { content } = await complete(request(), (text) => pieces.push(text));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(content);
  });

  it('takes its simulated latency from the model name', async () => {
    const started = performance.now();
    await complete(request({ model: 'offline:50ms' }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('refuses an unknown offline model', async () => {
    await expect(complete(request({ model: 'offline:fast' }))).rejects.toThrow(/Unknown offline model/);
  });
});

describe('parseModelRef', () => {
  it('splits provider and model, and sends bare names to the default provider', () => {
    expect(parseModelRef('openai:gpt-4o-mini', 'offline')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(parseModelRef('offline', 'openai')).toEqual({ provider: 'offline', model: 'offline' });
    expect(parseModelRef('llama3.1', 'ollama')).toEqual({ provider: 'ollama', model: 'llama3.1' });
  });
});
