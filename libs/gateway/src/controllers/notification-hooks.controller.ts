import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { createNotificationHookSchema, idParamsSchema, IntegrationApi, type CreateNotificationHookInput, type NotificationDeliveryInfo, type NotificationHook } from '@agent-squad/contracts';
import { LeanRead, ZodBody, ZodParams } from '@agent-squad/http';
import { CurrentUser } from '../auth/request-decorators';

@ApiTags('notifications')
@Controller('v1/notification-hooks')
export class NotificationHooksController {
  constructor(private readonly integration: IntegrationApi) {}

  @Post()
  @ApiOperation({
    summary: 'Register a webhook the platform POSTs to when one of your executions finishes',
    description:
      'Each notification is a JSON body `{ id, event, data }` signed with the returned secret (`X-Agent-Squad-Signature: sha256=<hex HMAC-SHA256 of the body>`). A try that does not get a 2xx answer within 10 s is retried with exponential backoff, 5 tries in all; then the delivery is `failed` with the last error.',
  })
  create(@CurrentUser() ownerId: string, @ZodBody(createNotificationHookSchema) input: CreateNotificationHookInput): Promise<NotificationHook> {
    return this.integration.createNotificationHook({ ownerId, input });
  }

  @Get()
  @LeanRead()
  @ApiOperation({ summary: 'Your notification webhooks, without secrets' })
  list(@CurrentUser() ownerId: string): Promise<NotificationHook[]> {
    return this.integration.listNotificationHooks({ ownerId });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a notification webhook and its delivery history' })
  async delete(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }): Promise<void> {
    await this.integration.deleteNotificationHook({ ownerId, hookId: id });
  }

  @Get(':id/deliveries')
  @LeanRead()
  @ApiOperation({ summary: "The hook's 50 newest deliveries: pending, delivered, or failed with the last error" })
  deliveries(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }): Promise<NotificationDeliveryInfo[]> {
    return this.integration.listNotificationDeliveries({ ownerId, hookId: id });
  }
}
