import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { inRequestContext } from './request-tracing';

/**
 * At debug level, one log line per request: method, URL, headers, body, status and duration,
 * with the request (and trace) id. Credentials in them are redacted by the logger (see
 * `createRootLogger`); at info and above nothing is logged per request.
 */
export function logRequests(app: INestApplication, logger: Logger): void {
  if (!logger.isLevelEnabled('debug')) return;
  const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
  fastify.addHook('onResponse', (request, reply, done) => {
    inRequestContext(request, () => {
      logger.debug(
        { req: { method: request.method, url: request.url, headers: request.headers }, body: request.body, res: { status: reply.statusCode }, durationMs: Math.round(reply.elapsedTime) },
        'request',
      );
    });
    done();
  });
}
