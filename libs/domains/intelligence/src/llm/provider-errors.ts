import { AppError, ErrorCode } from '@agent-squad/contracts';

/**
 * A failed provider call, as the resilience policies see it: `retryable` for 429, 5xx, timeouts and
 * dropped connections; `retryAfterMs` from the provider's `retry-after` header when it sent one.
 */
export class ProviderError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(code, message);
  }
}

/** `retry-after` as seconds or an HTTP date (RFC 9110), or `retry-after-ms` (OpenAI); undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

interface SdkApiError {
  status?: number;
  headers?: Headers;
  message: string;
}

/** Maps what the vendors' SDKs throw (both shape their errors alike) to a ProviderError with a readable message. */
export function toProviderError(provider: string, error: unknown, timeoutMs: number): ProviderError {
  if (error instanceof ProviderError) return error;
  const name = error instanceof Error ? error.constructor.name : '';
  if (name === 'APIConnectionTimeoutError' || name === 'TaskCancelledError') {
    return new ProviderError(ErrorCode.Timeout, `${provider}: no answer within ${timeoutMs} ms`, true);
  }
  if (name === 'APIConnectionError') return new ProviderError(ErrorCode.Unavailable, `${provider}: cannot connect (${(error as Error).message})`, true);
  const status = (error as SdkApiError).status;
  if (typeof status === 'number') {
    const detail = `${provider} answered ${status}: ${(error as SdkApiError).message}`;
    if (status === 429) return new ProviderError(ErrorCode.RateLimited, detail, true, retryAfterMs((error as SdkApiError).headers));
    if (status >= 500) return new ProviderError(ErrorCode.Unavailable, detail, true, retryAfterMs((error as SdkApiError).headers));
    if (status === 408) return new ProviderError(ErrorCode.Timeout, detail, true);
    // 4xx: the request itself is wrong (bad key, unknown model, bad parameters): another try would fail alike.
    return new ProviderError(ErrorCode.BadRequest, detail, false);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(ErrorCode.Unavailable, `${provider}: ${message}`, true);
}

/** An answer that is not what the wire format promises: retrying the same call rarely helps, so it fails at once. */
export function malformed(provider: string, what: string): ProviderError {
  return new ProviderError(ErrorCode.Unavailable, `${provider} sent a malformed answer: ${what}`, false);
}
