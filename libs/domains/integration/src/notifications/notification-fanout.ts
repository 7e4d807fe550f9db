import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EXECUTION_FINISHED, type DurableEvent, type ExecutionFinishedPayload } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';
import { JobQueue, QUEUES } from '@agent-squad/queue';
import { IntegrationDb } from '../integration-db';

/** Tries per notification before it ends `failed` (backing off exponentially: about 1, 2, 4, 8 s). */
export const NOTIFICATION_JOB_ATTEMPTS = 5;

/**
 * Turns a finished execution (durable event) into one stored notification per hook of its owner,
 * and queues each. The rows are keyed by (hook, event id): a redelivered event stores nothing new
 * and queues again only what is still pending (the job id is the delivery's, so a job still
 * waiting is not added twice). A failure to queue fails the event, which the broker redelivers.
 */
@Injectable()
export class NotificationFanout implements OnApplicationBootstrap {
  constructor(
    private readonly db: IntegrationDb,
    private readonly bus: Bus,
    private readonly queue: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.consumeDurable(EXECUTION_FINISHED, 'integration-notifications', (event) => this.fanOut(event));
  }

  async fanOut(event: DurableEvent<ExecutionFinishedPayload>): Promise<void> {
    const { executionId, squadId, status, finishedAt, ownerId } = event.payload;
    const payload = JSON.stringify({ executionId, squadId, status, finishedAt });
    const stored = await this.db.$queryRaw<{ id: string; status: string }[]>`
      INSERT INTO integration.notification_deliveries (id, "hookId", "eventId", event, payload)
      SELECT gen_random_uuid(), h.id, ${event.id}::uuid, ${EXECUTION_FINISHED.subject}, ${payload}::jsonb
      FROM integration.notification_hooks h WHERE h."ownerId" = ${ownerId}::uuid
      ON CONFLICT ("hookId", "eventId") DO UPDATE SET status = notification_deliveries.status
      RETURNING id, status`;
    for (const { id } of stored.filter((row) => row.status === 'pending')) await this.queue.add(QUEUES.notifications, { deliveryId: id }, { jobId: id, attempts: NOTIFICATION_JOB_ATTEMPTS });
  }
}
