import { Injectable, Logger } from '@nestjs/common';
import { JobQueue, QUEUES } from '@agent-squad/queue';

/** Tries per delivery before it ends `failed`. */
export const WEBHOOK_JOB_ATTEMPTS = 5;

/**
 * Queues a stored delivery's work. The job only names the delivery (the row is the truth), and
 * its id is the delivery's, so queueing it again while it waits or runs adds nothing.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);

  constructor(private readonly queue: JobQueue) {}

  async dispatch(deliveryId: string): Promise<void> {
    try {
      await this.queue.add(QUEUES.webhooks, { deliveryId }, { jobId: deliveryId, attempts: WEBHOOK_JOB_ATTEMPTS });
    } catch (error) {
      // Stored already: the redelivery sweep queues it once the queue answers again.
      this.logger.warn(`webhook delivery ${deliveryId} not queued yet: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
