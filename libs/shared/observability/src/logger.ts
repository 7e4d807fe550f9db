import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { currentRequestId } from './context/request-context';
import { currentTraceId } from './tracing/propagation';

/**
 * Field names whose values are credentials, wherever they sit in a logged object (two levels
 * deep): passwords, tokens (JWTs), API keys, webhook and integration secrets, auth headers.
 */
const SECRET_FIELDS = ['password', 'newPassword', 'token', 'accessToken', 'refreshToken', 'key', 'apiKey', 'secret', 'webhookSecret', 'authorization', 'cookie', 'x-hub-signature', 'x-hub-signature-256', 'stripe-signature'];
const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => {
  const path = /^[A-Za-z_]\w*$/.test(field) ? `.${field}` : `["${field}"]`;
  return [path.replace(/^\./, ''), `*${path}`, `*.*${path}`];
});

/**
 * Structured JSON logs for the whole process; Nest's own log lines go through the same pino.
 * Every line written while serving a request (or an RPC call or job made for it) carries its
 * `requestId` and, when tracing is on, its `traceId`.
 */
export function createRootLogger(level: string, base: Record<string, unknown>): Logger {
  return pino({
    level,
    base,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: requestFields,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
}

function requestFields(): Record<string, string> {
  const requestId = currentRequestId();
  const traceId = currentTraceId();
  if (!requestId && !traceId) return {};
  return traceId ? (requestId ? { requestId, traceId } : { traceId }) : { requestId: requestId! };
}

/** Nest's start-up chatter (every module and route) is debug detail, not information. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write(context && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace', message: unknown, context?: string): void {
    if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...message });
    else this.logger[level]({ context }, String(message));
  }
}
