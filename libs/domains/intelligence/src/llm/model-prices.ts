/**
 * List prices in US dollars per million tokens (input, output), by model name prefix, longest
 * first. Used for per-call cost accounting; models not listed (local ones) cost 0.
 */
const PRICES: readonly [prefix: string, input: number, output: number][] = [
  ['gpt-4o-mini', 0.15, 0.6],
  ['gpt-4o', 2.5, 10],
  ['gpt-4.1-nano', 0.1, 0.4],
  ['gpt-4.1-mini', 0.4, 1.6],
  ['gpt-4.1', 2, 8],
  ['o4-mini', 1.1, 4.4],
  ['claude-3-5-haiku', 0.8, 4],
  ['claude-haiku-4', 1, 5],
  ['claude-3-7-sonnet', 3, 15],
  ['claude-sonnet-4', 3, 15],
  ['claude-opus-4', 15, 75],
];

export function callCostUsd(provider: string, model: string, promptTokens: number, completionTokens: number): number {
  if (provider === 'offline' || provider === 'ollama') return 0;
  const price = PRICES.find(([prefix]) => model.startsWith(prefix));
  if (!price) return 0;
  return (promptTokens * price[1] + completionTokens * price[2]) / 1_000_000;
}
