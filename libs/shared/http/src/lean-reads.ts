import { Logger, RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem.filter';
import { PUBLIC_ROUTE } from './public.decorator';

/** Reads one handler argument from the request (and may refuse it, e.g. with a 400). */
export type LeanArgument = (request: FastifyRequest) => unknown;

/** Authenticates a request as the app's guard does (sets what the arguments read), or throws. */
export interface LeanAuthenticator {
  authenticate(request: FastifyRequest): true | Promise<true>;
}

type Handler = (...args: unknown[]) => Promise<unknown>;
/** A controller method marked @LeanRead(). */
interface LeanHandler {
  controller: Type;
  method: string | symbol;
}

/** Each handler's arguments, by prototype and method, as its parameter decorators declared them. */
const ARGUMENTS = new WeakMap<object, Map<string | symbol, LeanArgument[]>>();
/** Handlers marked @LeanRead(), in declaration order. */
const LEAN_HANDLERS: LeanHandler[] = [];

/** How a lean read obtains the argument at `index`. */
function leanArgument(prototype: object, method: string | symbol, index: number, read: LeanArgument): void {
  let methods = ARGUMENTS.get(prototype);
  if (!methods) ARGUMENTS.set(prototype, (methods = new Map()));
  let reads = methods.get(method);
  if (!reads) methods.set(method, (reads = []));
  reads[index] = read;
}

/** `decorator`, also telling a @LeanRead() handler how to read that argument (`read`). */
export function withLeanArgument(decorator: ParameterDecorator, read: LeanArgument): ParameterDecorator {
  return (target, key, index) => {
    decorator(target, key, index);
    if (key !== undefined) leanArgument(target, key, index, read);
  };
}

/**
 * Marks a GET handler whose every argument comes from a lean-capable decorator (`CurrentUser`,
 * `ZodParams`, `ZodQuery`): `serveLeanReads` answers it without Nest's per-request pipeline.
 */
export function LeanRead(): MethodDecorator {
  return (prototype, method) => {
    LEAN_HANDLERS.push({ controller: prototype.constructor as Type, method });
  };
}

/**
 * Answers the @LeanRead() routes straight from Fastify: authenticate, read the arguments, call
 * the controller's method, send its result (or the error as problem+json, as ProblemFilter does).
 * The route stays Nest's in every other way (registration, OpenAPI, hooks, metrics); only its
 * handler is swapped as Fastify registers it. Why: measured on the embedded shape's `GET
 * /v1/squads/:id` from L1, Nest's router context (guard and pipe consumers, interceptor chain,
 * response controller: a dozen promises per request) took ~30 µs of a ~120 µs request.
 * Call before the app is initialised (it routes at `init`).
 */
export function serveLeanReads(app: INestApplication, authenticator: LeanAuthenticator): void {
  const logger = new Logger('http');
  const routes = new Map(LEAN_HANDLERS.map((handler) => [urlOf(handler), handler]));
  (app as NestFastifyApplication).getHttpAdapter().getInstance().addHook('onRoute', (route) => {
    const handler = route.method === 'GET' ? routes.get(route.url) : undefined;
    if (!handler) return;
    const reads = argumentsOf(handler);
    let controller: Record<string | symbol, Handler> | undefined;
    const invoke = (request: FastifyRequest) => {
      controller ??= app.get(handler.controller, { strict: false }) as Record<string | symbol, Handler>;
      return controller[handler.method]!(...reads.map((read) => read(request)));
    };
    route.handler = (request: FastifyRequest, reply: FastifyReply) => {
      const refuse = (error: unknown) => {
        sendProblem(reply, error, logger);
        return reply;
      };
      try {
        const authenticated = authenticator.authenticate(request);
        return (authenticated === true ? invoke(request) : authenticated.then(() => invoke(request))).catch(refuse);
      } catch (error) {
        return refuse(error);
      }
    };
  });
}

/** The route's URL as Nest registers it: the controller's path, then the method's. */
function urlOf({ controller, method }: LeanHandler): string {
  const handler = (controller.prototype as Record<string | symbol, Handler>)[method]!;
  if (Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.GET) throw new Error(`@LeanRead() on ${controller.name}.${String(method)}: only GET handlers can be lean`);
  if (Reflect.getMetadata(PUBLIC_ROUTE, handler) || Reflect.getMetadata(PUBLIC_ROUTE, controller)) throw new Error(`@LeanRead() on ${controller.name}.${String(method)}: a public route has no one to authenticate`);
  const parts = [Reflect.getMetadata(PATH_METADATA, controller) as string, Reflect.getMetadata(PATH_METADATA, handler) as string];
  return `/${parts.filter(Boolean).join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

/** Every argument's reader; a handler with an argument no lean decorator declared cannot be lean. */
function argumentsOf({ controller, method }: LeanHandler): LeanArgument[] {
  const handler = (controller.prototype as Record<string | symbol, Handler>)[method]!;
  const reads = ARGUMENTS.get(controller.prototype as object)?.get(method) ?? [];
  const missing = Array.from({ length: handler.length }, (_, index) => index).filter((index) => !reads[index]);
  if (missing.length > 0) throw new Error(`@LeanRead() on ${controller.name}.${String(method)}: argument(s) ${missing.join(', ')} have no lean decorator`);
  return reads;
}
