import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The docs UI's static files (swagger-ui-dist's, which change only with that package's version):
 * cached for a year by browsers and CDNs (seed: immutable static assets). swagger-ui-init.js holds
 * the API document itself and stays revalidated.
 */
const IMMUTABLE_ASSET = /^\/docs\/(swagger-ui(-bundle|-standalone-preset)?\.(js|css)|favicon-\d+x\d+\.png)$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** OpenAPI document generated from the controllers, UI at /docs, JSON at /docs/openapi.json. */
export function mountOpenApi(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('Agent Squad API')
    .setDescription('Run squads of AI agents on tasks. Errors are application/problem+json (RFC 9457).')
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A JWT from signup/login, or an API key (asq_...)' })
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // On the docs routes only (they are registered next), not as a hook every API response passes.
  (app as NestFastifyApplication).getHttpAdapter().getInstance().addHook('onRoute', (route) => {
    if (!route.url.startsWith('/docs')) return;
    const onSend = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
      if (reply.statusCode === 200 && IMMUTABLE_ASSET.test(request.url)) void reply.header('cache-control', IMMUTABLE);
      done(null, payload);
    };
    route.onSend = [...(Array.isArray(route.onSend) ? route.onSend : route.onSend ? [route.onSend] : []), onSend];
  });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', raw: ['json'] });
}
