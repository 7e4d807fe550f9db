import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type IPolicy,
  type IRetryBackoffContext,
} from 'cockatiel';
import { ErrorCode } from '@agent-squad/contracts';
import { malformed, ProviderError, toProviderError } from './provider-errors';

export interface ResilienceSettings {
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  breakerFailures: number;
  breakerHalfOpenMs: number;
}

/** The longest wait between tries: a `retry-after` beyond it is cut to it (the step has its own deadline). */
const MAX_BACKOFF_MS = 30_000;

const isFailure = (error: Error): boolean => (error instanceof ProviderError && error.retryable) || error instanceof TaskCancelledError;

/**
 * One provider's call policies, from cockatiel: a timeout per try, a circuit breaker that opens
 * after `breakerFailures` failed tries in a row (then calls fail at once until, after
 * `breakerHalfOpenMs`, one probe goes through and closes it on success), and retries with
 * exponential backoff, or the provider's `retry-after`, for 429s, 5xx, timeouts and lost connections.
 * Errors that another try would meet again (bad key, unknown model) neither retry nor trip the breaker.
 */
export class ProviderResilience {
  private readonly policy: IPolicy;
  private readonly breaker;

  constructor(
    private readonly provider: string,
    private readonly settings: ResilienceSettings,
  ) {
    this.breaker = circuitBreaker(handleWhen(isFailure), { halfOpenAfter: settings.breakerHalfOpenMs, breaker: new ConsecutiveBreaker(settings.breakerFailures) });
    const retries = retry(handleWhen(isFailure), { maxAttempts: settings.maxRetries, backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => this.backoff(context)) });
    const perTry = timeout(settings.timeoutMs, TimeoutStrategy.Aggressive);
    this.policy = wrap(retries, this.breaker, perTry);
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.breaker.state === CircuitState.Open || this.breaker.state === CircuitState.Isolated) return 'open';
    return this.breaker.state === CircuitState.HalfOpen ? 'half-open' : 'closed';
  }

  /**
   * Runs `attempt` under the policies. `attempt` gets the try's abort signal, and says through
   * `streamed()` whether it already passed text on: a try that did is not repeated (the reader
   * would see the text twice), its failure is final. Whatever a try throws (an SDK's error, a
   * JSON parse failure) becomes a ProviderError here, once for every provider.
   */
  async execute<T>(attempt: (signal: AbortSignal, streamed: () => void) => Promise<T>): Promise<T> {
    let streamed = false;
    try {
      return await this.policy.execute(async ({ signal }) => {
        try {
          return await attempt(signal, () => (streamed = true));
        } catch (thrown) {
          const error = thrown instanceof SyntaxError ? malformed(this.provider, thrown.message) : toProviderError(this.provider, thrown, this.settings.timeoutMs);
          if (streamed && error.retryable) throw new ProviderError(error.code, `${error.message} (after part of the answer was streamed)`, false);
          throw error;
        }
      });
    } catch (error) {
      throw this.explain(error);
    }
  }

  private backoff(context: IRetryBackoffContext<unknown>): number {
    const error = 'error' in context.result ? context.result.error : undefined;
    const exponential = this.settings.retryBaseMs * 2 ** (context.attempt - 1);
    const jittered = exponential / 2 + Math.random() * (exponential / 2);
    const hinted = error instanceof ProviderError ? error.retryAfterMs : undefined;
    return Math.min(MAX_BACKOFF_MS, hinted ?? jittered);
  }

  private explain(error: unknown): unknown {
    if (error instanceof BrokenCircuitError) {
      return new ProviderError(
        ErrorCode.Unavailable,
        `${this.provider} is failing: its circuit breaker is open after ${this.settings.breakerFailures} failed calls in a row; calls fail at once until a probe succeeds (every ${this.settings.breakerHalfOpenMs} ms)`,
        false,
      );
    }
    if (error instanceof TaskCancelledError) return new ProviderError(ErrorCode.Timeout, `${this.provider}: no answer within ${this.settings.timeoutMs} ms`, true);
    return error;
  }
}
