import { malformed } from './provider-errors';

/** A tool call's arguments as the model wrote them (JSON text; empty means none): must be a JSON object. */
export function parseToolArguments(provider: string, text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(provider, `tool call arguments are not JSON: ${text.slice(0, 200)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(provider, 'tool call arguments are not a JSON object');
  return value as Record<string, unknown>;
}
