import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppError, ErrorCode, TasksApi, type IntegrationLink } from '@agent-squad/contracts';
import { Clock, JobQueue, QUEUES, runEvery, type Job } from '@agent-squad/queue';
import { IntegrationDb } from '../integration-db';
import { WEBHOOK_JOB_ATTEMPTS, WebhookDispatcher } from './webhook-dispatcher';
import { WEBHOOK_SENDERS } from './webhook-senders';

/** Refusals that another try would meet again: the delivery ends `rejected`. */
const REFUSALS = new Set<ErrorCode>([ErrorCode.BadRequest, ErrorCode.Validation, ErrorCode.Unauthorized, ErrorCode.Forbidden, ErrorCode.NotFound, ErrorCode.Conflict, ErrorCode.QuotaExceeded]);
/** A delivery still `received` this long after it arrived has lost its job (e.g. Redis lost it). */
const REDELIVER_AFTER_MS = 60_000;
const REDELIVER_EVERY_MS = 60_000;

type Outcome = { status: 'processed'; taskId: string } | { status: 'ignored' } | { status: 'rejected' | 'failed'; error: string };

/**
 * Acts on stored deliveries (`webhooks` queue): an event that asks for work becomes a task for the
 * linked squad, submitted as the integration's owner. The delivery's id is the submission's
 * idempotency key, so a retry after a crash finds the task already made instead of making another.
 * `integration.webhook-redelivery` queues again every minute the deliveries whose job was lost.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap {
  constructor(
    private readonly db: IntegrationDb,
    private readonly queue: JobQueue,
    private readonly dispatcher: WebhookDispatcher,
    private readonly tasks: TasksApi,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queue.process(QUEUES.webhooks, (job) => this.handle(job));
    await runEvery(this.queue, QUEUES.webhookRedelivery, REDELIVER_EVERY_MS, () => this.redeliver());
  }

  async handle(job: Job<{ deliveryId: string }>): Promise<void> {
    const delivery = await this.db.webhookDelivery.findUnique({ where: { id: job.data.deliveryId }, include: { integration: true } });
    if (delivery?.status !== 'received') return;
    const { integration } = delivery;
    const input = WEBHOOK_SENDERS[integration.kind as IntegrationLink['kind']].task(delivery.event, delivery.payload);
    if (!input) return this.settle(delivery.id, { status: 'ignored' });
    try {
      const { task } = await this.tasks.submit({ ownerId: integration.ownerId, squadId: integration.squadId, input, idempotencyKey: `webhook-${delivery.id}` });
      await this.settle(delivery.id, { status: 'processed', taskId: task.id });
    } catch (error) {
      if (error instanceof AppError && REFUSALS.has(error.code)) return this.settle(delivery.id, { status: 'rejected', error: error.message });
      if (job.attempt >= WEBHOOK_JOB_ATTEMPTS) await this.settle(delivery.id, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  /** Queues again the deliveries still waiting a while after they arrived; returns how many. */
  async redeliver(): Promise<number> {
    const stale = await this.db.webhookDelivery.findMany({
      where: { status: 'received', receivedAt: { lt: new Date(this.clock.now() - REDELIVER_AFTER_MS) } },
      select: { id: true },
      orderBy: { receivedAt: 'asc' },
      take: 1000,
    });
    for (const { id } of stale) await this.dispatcher.dispatch(id);
    return stale.length;
  }

  /** Only from `received`: a delivery ends once. */
  private async settle(id: string, outcome: Outcome): Promise<void> {
    await this.db.webhookDelivery.updateMany({ where: { id, status: 'received' }, data: { ...outcome, processedAt: new Date(this.clock.now()) } });
  }
}
