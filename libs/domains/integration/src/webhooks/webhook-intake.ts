import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, type InboundWebhook, type IntegrationLink, type WebhookReceipt } from '@agent-squad/contracts';
import { isUniqueViolation } from '@agent-squad/database';
import { IntegrationDb, type Prisma } from '../integration-db';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WEBHOOK_SENDERS } from './webhook-senders';

/**
 * Receives a webhook (DESIGN §7): the signature first, with the integration's secret; then the
 * delivery is stored, deduplicated by the sender's delivery id, and its work queued. The answer
 * comes before any work is done.
 */
@Injectable()
export class WebhookIntake {
  constructor(
    private readonly db: IntegrationDb,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async receive({ integrationId, headers, body }: InboundWebhook): Promise<WebhookReceipt> {
    const integration = await this.db.integration.findUnique({ where: { id: integrationId } });
    if (!integration) throw AppError.notFound('Integration');
    const sender = WEBHOOK_SENDERS[integration.kind as IntegrationLink['kind']];
    if (!sender.signedWith(integration.secret, headers, body)) throw new AppError(ErrorCode.Unauthorized, "The webhook's signature does not match the integration's secret");
    const deliveryId = sender.deliveryId(headers);
    if (!deliveryId) throw new AppError(ErrorCode.BadRequest, 'The webhook carries no delivery id');
    const payload = parseJson(body);
    try {
      const delivery = await this.db.webhookDelivery.create({ data: { integrationId, deliveryId, event: sender.event(headers, payload), payload } });
      await this.dispatcher.dispatch(delivery.id);
      return { status: 'accepted' };
    } catch (error) {
      if (isUniqueViolation(error)) return { status: 'duplicate' };
      throw error;
    }
  }
}

function parseJson(body: string): Prisma.InputJsonValue {
  try {
    const payload = JSON.parse(body) as unknown;
    if (typeof payload === 'object' && payload !== null) return payload as Prisma.InputJsonValue;
  } catch {
    // answered below
  }
  throw new AppError(ErrorCode.BadRequest, 'The webhook body is not a JSON object');
}
