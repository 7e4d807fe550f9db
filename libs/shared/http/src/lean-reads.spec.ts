import 'reflect-metadata';
import { Controller, createParamDecorator, Get, Module, type CallHandler, type ExecutionContext, type LoggerService, type NestInterceptor } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppError, ErrorCode } from '@agent-squad/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createHttpApp } from './http-server';
import { LeanRead, serveLeanReads, withLeanArgument, type LeanAuthenticator } from './lean-reads';
import { ZodParams, ZodQuery } from './zod-input';

type Authenticated = FastifyRequest & { userId: string };

/** As the gateway's CurrentUser: the user the authenticator found, in both pipelines. */
const user = createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<Authenticated>().userId);
const User = (): ParameterDecorator => withLeanArgument(user(), (request) => (request as Authenticated).userId);

const idSchema = z.object({ id: z.string().regex(/^\d+$/, 'must be a number') });
const pageSchema = z.object({ limit: z.coerce.number().int().max(10).default(5) });

@Controller('v1/things')
class ThingsController {
  @Get(':id')
  @LeanRead()
  async get(@User() userId: string, @ZodParams(idSchema) { id }: { id: string }, @ZodQuery(pageSchema) { limit }: { limit: number }): Promise<object> {
    if (id === '404') throw AppError.notFound('Thing');
    return { id, userId, limit };
  }

  @Get()
  async list(@User() userId: string): Promise<object> {
    return { userId, items: [] };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

/** Bearer <user> authenticates as <user>; `slow-<user>` does so asynchronously, as an API key would. */
const authenticator: LeanAuthenticator & { calls: number } = {
  calls: 0,
  authenticate(request) {
    this.calls++;
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw new AppError(ErrorCode.Unauthorized, 'Send a bearer token');
    if (!token.startsWith('slow-')) return ((request as Authenticated).userId = token), true;
    return Promise.resolve().then(() => (((request as Authenticated).userId = token.slice(5)), true as const));
  },
};

/** Marks every response that went through Nest's pipeline. */
class ThroughNest implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    void context.switchToHttp().getResponse().header('x-through-nest', 'yes');
    return next.handle();
  }
}

const silent: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

describe('serveLeanReads', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await createHttpApp(ThingsModule, { bodyLimit: 1024, logger: silent });
    app.useGlobalInterceptors(new ThroughNest());
    serveLeanReads(app, authenticator);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const get = (url: string, token?: string) => app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("answers a @LeanRead() route from its handler, with its arguments, outside Nest's pipeline", async () => {
    const response = await get('/v1/things/7?limit=3', 'ada');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: '7', userId: 'ada', limit: 3 });
    expect(response.headers['x-through-nest']).toBeUndefined();
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it('waits for an asynchronous authentication', async () => {
    expect((await get('/v1/things/8', 'slow-grace')).json()).toEqual({ id: '8', userId: 'grace', limit: 5 });
  });

  it.each([
    ['no credentials', '/v1/things/7', undefined, 401],
    ['a malformed parameter', '/v1/things/seven', 'ada', 400],
    ['a query beyond its bounds', '/v1/things/7?limit=11', 'ada', 400],
    ['an error of the handler', '/v1/things/404', 'ada', 404],
    ['an error after an asynchronous authentication', '/v1/things/404', 'slow-ada', 404],
  ])('answers %s with problem+json', async (_, url, token, status) => {
    const response = await get(url, token);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status });
  });

  it('leaves every other route to Nest', async () => {
    const calls = authenticator.calls;
    const response = await get('/v1/things', 'ada');
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-through-nest']).toBe('yes');
    // No guard in this app: Nest's pipeline did not ask the lean authenticator.
    expect(authenticator.calls).toBe(calls);
  });

  it('refuses at start-up a @LeanRead() handler with an argument it cannot read', async () => {
    @Controller('v1/odd')
    class OddController {
      @Get()
      @LeanRead()
      async odd(@User() userId: string, raw: string): Promise<object> {
        return { userId, raw };
      }
    }
    @Module({ controllers: [OddController] })
    class OddModule {}
    const odd = await createHttpApp(OddModule, { bodyLimit: 1024, logger: silent });
    serveLeanReads(odd, authenticator);
    await expect(odd.init()).rejects.toThrow('OddController.odd: argument(s) 1 have no lean decorator');
    await odd.close().catch(() => undefined);
  });
});
