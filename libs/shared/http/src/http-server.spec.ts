import 'reflect-metadata';
import { Controller, HttpCode, Module, Post, type LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppError, ErrorCode } from '@agent-squad/contracts';
import { z } from 'zod';
import { createHttpApp } from './http-server';
import { ZodBody } from './zod-input';

const itemSchema = z.object({ name: z.string().min(1), count: z.number().int() }).strict();

@Controller()
class ItemsController {
  @Post('items')
  create(@ZodBody(itemSchema) body: z.infer<typeof itemSchema>): z.infer<typeof itemSchema> {
    return body;
  }

  @Post('poke')
  @HttpCode(202)
  poke(): { ok: true } {
    return { ok: true };
  }

  @Post('quota')
  quota(): never {
    throw new AppError(ErrorCode.QuotaExceeded, 'all used');
  }

  @Post('crash')
  crash(): never {
    throw new Error('database password is hunter2');
  }
}

@Module({ controllers: [ItemsController] })
class TestModule {}

const silent: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

describe('createHttpApp', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await createHttpApp(TestModule, { bodyLimit: 1024, logger: silent });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const post = (url: string, payload: string | undefined, contentType = 'application/json', headers: Record<string, string> = {}) =>
    app.getHttpAdapter().getInstance().inject({ method: 'POST', url, payload, headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers } });

  it('passes valid input through', async () => {
    const response = await post('/items', JSON.stringify({ name: 'a', count: 2 }));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'a', count: 2 });
  });

  it.each([
    ['malformed JSON', 400, '{"name": ', 'application/json'],
    ['a text/plain body', 415, 'name=a', 'text/plain'],
    ['a form body', 415, 'name=a', 'application/x-www-form-urlencoded'],
    ['a body over the limit', 413, JSON.stringify({ name: 'x'.repeat(2000), count: 1 }), 'application/json'],
  ])('answers %s with problem+json %d', async (_case, status, payload, contentType) => {
    const response = await post('/items', payload, contentType);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  });

  it('lists every bad field', async () => {
    const response = await post('/items', JSON.stringify({ count: 'two', extra: true }));
    expect(response.statusCode).toBe(400);
    const fields = (response.json() as { errors: { field: string }[] }).errors.map((error) => error.field).sort();
    expect(fields).toEqual(['body', 'count', 'name']);
  });

  it('treats a missing JSON body as no body', async () => {
    expect((await post('/items', undefined)).statusCode).toBe(400);
    expect((await post('/poke', undefined)).statusCode).toBe(202);
    expect((await post('/poke', '', 'application/json')).statusCode).toBe(202);
  });

  it('maps domain errors to their status, and hides the details of faults', async () => {
    expect((await post('/quota', undefined)).statusCode).toBe(402);
    const crash = await post('/crash', undefined);
    expect(crash.statusCode).toBe(500);
    expect(crash.body).not.toContain('hunter2');
  });

  it('answers unknown routes with a 404 problem', async () => {
    const response = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    expect((await post('/poke', undefined, '', { 'x-request-id': 'req-123' })).headers['x-request-id']).toBe('req-123');
    expect((await post('/poke', undefined, '', { 'x-request-id': 'bad id with spaces' })).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
