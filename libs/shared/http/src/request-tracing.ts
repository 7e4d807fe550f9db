import { currentRequestId, currentTraceparent, incomingContext, openSpan, runInContext, runInRequest, SpanKind, SpanStatusCode, tracingOn, type Span, type TraceContext } from '@agent-squad/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';

interface Traced {
  span: Span;
  context: TraceContext;
}

const TRACED = Symbol('traced');
/** Probes and scrapes: frequent, and no part of any user's request. */
const UNTRACED_ROUTES = /^\/(health\/|metrics$)/;
type TracedRequest = FastifyRequest & { [TRACED]?: Traced };

/**
 * Serves each request inside its request context (every log line carries its `requestId`, which
 * the response echoes in `x-request-id`) and, with tracing on when the server is built, inside a
 * server span continuing the caller's `traceparent`; the response then carries `traceparent` so a
 * client can find its trace. The context is entered again before the handler when body parsing
 * left it. Callback-style hooks: an async hook costs a promise on every request.
 */
export function traceRequests(fastify: FastifyInstance): void {
  const tracing = tracingOn();
  fastify.addHook('onRequest', (request: TracedRequest, reply, done) => {
    void reply.header('x-request-id', request.id);
    if (tracing) {
      const route = request.routeOptions.url ?? 'unmatched';
      if (!UNTRACED_ROUTES.test(route)) {
        request[TRACED] = openSpan(`HTTP ${request.method} ${route}`, {
          kind: SpanKind.SERVER,
          parent: incomingContext(request.headers as Record<string, string>),
          attributes: { 'http.request.method': request.method, 'http.route': route },
        });
      }
    }
    inRequestContext(request, () => {
      const traceparent = request[TRACED] && currentTraceparent();
      if (traceparent) void reply.header('traceparent', traceparent);
      done();
    });
  });
  fastify.addHook('preHandler', (request: TracedRequest, _reply, done) => {
    // A bodiless request is still in the context its first hook entered: no second run needed.
    if (!request[TRACED] && currentRequestId() === request.id) return done();
    inRequestContext(request, done);
  });
  if (!tracing) return;
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
