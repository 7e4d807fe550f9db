import { Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { idParamsSchema, IntegrationApi, type WebhookReceipt } from '@agent-squad/contracts';
import { Public, RawBody, ZodParams } from '@agent-squad/http';

type RequestHeaders = Record<string, string | string[] | undefined>;

/** The sender's own headers (`x-*`: signatures, delivery ids, event names); never cookies or credentials. */
function senderHeaders(headers: RequestHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name, value]) => name.startsWith('x-') && value !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value!]),
  );
}

/** Inbound webhooks: trackers call them, signed with the integration's secret instead of a user's token. */
@ApiTags('integrations')
@Public()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly integration: IntegrationApi) {}

  @Post(':id')
  @HttpCode(202)
  @ApiOperation({
    summary: "Receive a GitHub or Jira webhook for an integration (signed with the integration's secret)",
    description:
      'Set the tracker\'s webhook URL to this path with the integration\'s id, and its secret to the integration\'s. GitHub signs in X-Hub-Signature-256 and an opened issue becomes a task; Jira signs in X-Hub-Signature and a created issue becomes a task. Answers 202 once the delivery is stored, before the task exists; a resent delivery answers `duplicate`.',
  })
  receive(@ZodParams(idParamsSchema) { id }: { id: string }, @Headers() headers: RequestHeaders, @RawBody() body: string): Promise<WebhookReceipt> {
    return this.integration.receiveWebhook({ integrationId: id, headers: senderHeaders(headers), body });
  }
}
