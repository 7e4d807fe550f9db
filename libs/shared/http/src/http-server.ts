import { randomUUID } from 'node:crypto';
import { type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { toJson } from '@agent-squad/cache';
import type { ApiLatencyWindow, HotCounterSeries, HotHistogramSeries, Metrics } from '@agent-squad/observability';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemFilter } from './problem.filter';
import { keepRawBody } from './raw-body';
import { traceRequests } from './request-tracing';

export interface HttpServerOptions {
  bodyLimit: number;
  logger: LoggerService;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Marks the metrics hook added to each route. */
const OBSERVER = Symbol('http-metrics');

/** Nest on Fastify with the platform's HTTP conventions (problem+json, request ids, metrics). */
export async function createHttpApp(rootModule: unknown, options: HttpServerOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // No Nest middleware anywhere: without middie, requests skip its (empty) per-request pass.
    skipMiddie: true,
    bodyLimit: options.bodyLimit,
    trustProxy: true,
    return503OnClosing: true,
    requestIdHeader: false,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule as never, adapter, { logger: options.logger, bufferLogs: true, bodyParser: false, abortOnError: false });
  configureFastify(app.getHttpAdapter().getInstance());
  app.useGlobalFilters(new ProblemFilter());
  // A graceful stop (every shutdown hook done) exits 0, as orchestrators expect of a clean exit.
  app.enableShutdownHooks([], { useProcessExit: true });
  return app;
}

function configureFastify(fastify: FastifyInstance): void {
  // JSON only: a text/plain body is refused with 415 rather than reaching validation as a string.
  fastify.removeContentTypeParser('text/plain');
  // Bodiless POSTs (cancel, re-run) may still carry a JSON content type.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    keepRawBody(request, body as string);
    if (body === '') return done(null, undefined);
    void parseJson(request, body as string, done);
  });
  // A cached value (an L1 hit) is serialized once, not on every response that returns it.
  fastify.setReplySerializer(toJson);
  traceRequests(fastify);
}

/** Request duration and count per route template, and open connections; API requests' durations also into `latency`. */
export function instrumentHttp(app: INestApplication, metrics: Metrics, latency: ApiLatencyWindow): void {
  const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
  // One hook per route, registered with it, so the route's labels are known without reading
  // `request.routeOptions` (an object built on each read) and its series are found once per
  // status. Call before the app is initialised.
  const observer = (route: string) => {
    const series = new Map<string, { duration: HotHistogramSeries; requests: HotCounterSeries }>();
    const api = route.startsWith('/v1/');
    const observe = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const key = `${request.method} ${reply.statusCode}`;
      let bound = series.get(key);
      if (!bound) {
        const labels = { method: request.method, route, status: String(reply.statusCode) };
        bound = { duration: metrics.httpDuration.series(labels), requests: metrics.httpRequests.series(labels) };
        series.set(key, bound);
      }
      bound.duration.observe(reply.elapsedTime / 1000);
      bound.requests.inc();
      if (api) latency.record(reply.elapsedTime);
      done();
    };
    return Object.assign(observe, { [OBSERVER]: true });
  };
  fastify.addHook('onRoute', (route) => {
    const hooks = [route.onResponse ?? []].flat();
    // A GET's HEAD route is registered with the GET's options: it has its observer already.
    if (!hooks.some((hook) => OBSERVER in hook)) route.onResponse = [...hooks, observer(route.url)];
  });
  const unmatched = observer('unmatched');
  fastify.addHook('onResponse', (request, reply, done) => (request.is404 ? unmatched(request, reply, done) : done()));
  fastify.server.on('connection', (socket) => {
    metrics.activeConnections.inc();
    socket.once('close', () => metrics.activeConnections.dec());
  });
}
