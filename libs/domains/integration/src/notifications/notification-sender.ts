import { createHmac } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock, JobQueue, QUEUES, type Job } from '@agent-squad/queue';
import { IntegrationDb } from '../integration-db';
import { NOTIFICATION_JOB_ATTEMPTS } from './notification-fanout';

/** A receiver that has not answered within this is counted as a failed try. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** `X-Agent-Squad-Signature` of a body: what a receiver recomputes with the hook's secret. */
export function notificationSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Sends stored notifications (`notifications` queue): one signed POST per try, a 2xx answer
 * delivers it. Any other answer, a timeout or a network error fails the try and the queue retries
 * with exponential backoff; after the last try the row ends `failed` with the error, and the job
 * stays in the queue's failed list (GET /ops/queues).
 */
@Injectable()
export class NotificationSender implements OnApplicationBootstrap {
  constructor(
    private readonly db: IntegrationDb,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.process(QUEUES.notifications, (job) => this.send(job));
  }

  async send(job: Job<{ deliveryId: string }>): Promise<void> {
    const delivery = await this.db.notificationDelivery.findUnique({ where: { id: job.data.deliveryId }, include: { hook: true } });
    if (delivery?.status !== 'pending') return;
    const body = JSON.stringify({ id: delivery.id, event: delivery.event, data: delivery.payload });
    try {
      const response = await fetch(delivery.hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-agent-squad-event': delivery.event,
          'x-agent-squad-delivery': delivery.id,
          'x-agent-squad-signature': notificationSignature(delivery.hook.secret, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`${delivery.hook.url} answered ${response.status}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const last = job.attempt >= NOTIFICATION_JOB_ATTEMPTS;
      await this.db.notificationDelivery.updateMany({ where: { id: delivery.id, status: 'pending' }, data: { attempts: job.attempt, error: message, ...(last ? { status: 'failed' } : {}) } });
      throw error;
    }
    await this.db.notificationDelivery.updateMany({ where: { id: delivery.id, status: 'pending' }, data: { attempts: job.attempt, error: null, status: 'delivered', deliveredAt: new Date(this.clock.now()) } });
  }
}
