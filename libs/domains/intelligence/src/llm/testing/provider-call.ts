import type { ProviderCall } from '../llm-provider';
import type { ResilienceSettings } from '../provider-resilience';

/** Short timings, so the error paths finish quickly. */
export const FAST_RESILIENCE: ResilienceSettings = { timeoutMs: 1000, maxRetries: 2, retryBaseMs: 10, breakerFailures: 3, breakerHalfOpenMs: 300 };

export function providerCall(overrides: Partial<ProviderCall> = {}): ProviderCall {
  return {
    model: 'test-model',
    prompt: { system: 'You are a tester.', user: '# Task: check\n\nCheck it.', priorOutputs: [], citations: [] },
    request: { model: 'test-model', role: 'qa_tester', agentName: 'Q', systemPrompt: null, task: { title: 'check', description: 'Check it.' }, priorOutputs: [] },
    turns: [],
    tools: [],
    temperature: 0.2,
    ...overrides,
  };
}

/** Resolves once `predicate` holds, checking whenever `poke` is called (no polling by time). */
export function when(predicate: () => boolean): { promise: Promise<void>; poke: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  const poke = () => {
    if (predicate()) resolve();
  };
  return { promise, poke };
}
