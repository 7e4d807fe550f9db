/**
 * Token estimate used for accounting when a provider reports none (the offline provider): about
 * four characters per token, the usual rule of thumb for English text with BPE tokenizers.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
