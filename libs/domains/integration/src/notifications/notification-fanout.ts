import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EXECUTION_FINISHED, type DurableEvent, type ExecutionFinishedPayload } from '@agent-squad/contracts';
import { GroupedWrites } from '@agent-squad/database';
import { Bus } from '@agent-squad/messaging';
import { JobQueue, QUEUES } from '@agent-squad/queue';
import { IntegrationDb } from '../integration-db';

/** Tries per notification before it ends `failed` (backing off exponentially: about 1, 2, 4, 8 s). */
export const NOTIFICATION_JOB_ATTEMPTS = 5;

interface Finished {
  eventId: string;
  ownerId: string;
  payload: string;
}

interface Stored {
  id: string;
  status: string;
}

/**
 * Turns a finished execution (durable event) into one stored notification per hook of its owner,
 * and queues each. The rows are keyed by (hook, event id): a redelivered event stores nothing new
 * and queues again only what is still pending (the job id is the delivery's, so a job still
 * waiting is not added twice). A failure to queue fails the event, which the broker redelivers.
 */
@Injectable()
export class NotificationFanout implements OnApplicationBootstrap {
  /** Events handled at once share a statement; each gets back its own stored notifications. */
  private readonly deliveries = new GroupedWrites<Finished, Stored[]>(async (events) => {
    const stored = await this.db.$queryRaw<(Stored & { eventId: string })[]>`
      WITH input AS (
        SELECT DISTINCT ON ("eventId") * FROM unnest(${events.map((event) => event.eventId)}::uuid[], ${events.map((event) => event.ownerId)}::uuid[], ${events.map((event) => event.payload)}::jsonb[])
          AS i("eventId", "ownerId", payload)
      )
      INSERT INTO integration.notification_deliveries (id, "hookId", "eventId", event, payload)
      SELECT gen_random_uuid(), h.id, i."eventId", ${EXECUTION_FINISHED.subject}, i.payload
      FROM input i JOIN integration.notification_hooks h ON h."ownerId" = i."ownerId"
      ON CONFLICT ("hookId", "eventId") DO UPDATE SET status = notification_deliveries.status
      RETURNING id, status, "eventId"`;
    return events.map((event) => stored.filter((row) => row.eventId === event.eventId));
  });

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
    const stored = await this.deliveries.add({ eventId: event.id, ownerId, payload });
    for (const { id } of stored.filter((row) => row.status === 'pending')) await this.queue.add(QUEUES.notifications, { deliveryId: id }, { jobId: id, attempts: NOTIFICATION_JOB_ATTEMPTS });
  }
}
