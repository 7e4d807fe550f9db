import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuthApi,
  createApiKeySchema,
  idParamsSchema,
  listQuerySchema,
  type ApiKeySummary,
  type CreateApiKeyInput,
  type CreatedApiKey,
  type ListQuery,
  type Page,
} from '@agent-squad/contracts';
import { LeanRead, ZodBody, ZodParams, ZodQuery } from '@agent-squad/http';
import { CurrentUser } from '../auth/request-decorators';

@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly auth: AuthApi) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the key is shown only in this answer' })
  create(@CurrentUser() ownerId: string, @ZodBody(createApiKeySchema) body: CreateApiKeyInput): Promise<CreatedApiKey> {
    return this.auth.createApiKey({ ownerId, ...body });
  }

  @Get()
  @LeanRead()
  @ApiOperation({ summary: "The caller's API keys, without secrets" })
  list(@CurrentUser() ownerId: string, @ZodQuery(listQuerySchema) query: ListQuery): Promise<Page<ApiKeySummary>> {
    return this.auth.listApiKeys({ ownerId, ...query });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once' })
  async revoke(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }): Promise<void> {
    await this.auth.revokeApiKey({ ownerId, keyId: id });
  }
}
