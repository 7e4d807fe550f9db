import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', raw: ['json'] });
}
