import { currentTraceparent, incomingContext, openSpan, runInContext, runInRequest, SpanKind, SpanStatusCode, tracingOn, type Span, type TraceContext } from '@agent-squad/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';

interface Traced {
  span?: Span;
  context?: TraceContext;
}

const TRACED = Symbol('traced');
/** Probes and scrapes: frequent, and no part of any user's request. */
const UNTRACED_ROUTES = /^\/(health\/|metrics$)/;
type TracedRequest = FastifyRequest & { [TRACED]?: Traced };

/**
 * Serves each request inside its request context (every log line carries its `requestId`) and,
 * with tracing on, inside a server span continuing the caller's `traceparent`; the response
 * carries `traceparent` so a client can find its trace. The context is entered again before the
 * handler because body parsing runs outside the async context the first hook entered.
 */
export function traceRequests(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: TracedRequest, reply, done) => {
    const traced: Traced = {};
    const route = request.routeOptions.url ?? 'unmatched';
    if (tracingOn() && !UNTRACED_ROUTES.test(route)) {
      const opened = openSpan(`HTTP ${request.method} ${route}`, {
        kind: SpanKind.SERVER,
        parent: incomingContext(request.headers as Record<string, string>),
        attributes: { 'http.request.method': request.method, 'http.route': route },
      });
      traced.span = opened.span;
      traced.context = opened.context;
    }
    request[TRACED] = traced;
    inRequestContext(request, () => {
      const traceparent = traced.context && currentTraceparent();
      if (traceparent) void reply.header('traceparent', traceparent);
      done();
    });
  });
  fastify.addHook('preHandler', (request: TracedRequest, _reply, done) => inRequestContext(request, done));
  fastify.addHook('onResponse', (request: TracedRequest, reply, done) => {
    const span = request[TRACED]?.span;
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}

/** Runs `next` in the request's context (its id and, when traced, its span), e.g. to log for it. */
export function inRequestContext(request: FastifyRequest, next: () => void): void {
  const context = (request as TracedRequest)[TRACED]?.context;
  runInRequest(request.id, () => (context ? runInContext(context, next) : next()));
}
