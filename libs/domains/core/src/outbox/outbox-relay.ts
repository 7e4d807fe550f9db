import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { defineDurableEvent } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';
import { CoreDb } from '../core-db';

interface ClaimedRow {
  id: string;
  subject: string;
  payload: unknown;
  createdAt: Date;
}

const BATCH = 100;
/** How long a relay owns a claimed row; past it another relay (or this one) retries it. */
const CLAIM_SECONDS = 10;

/**
 * Moves outbox rows to the bus: claim a batch (SKIP LOCKED, so replicas split the work), publish
 * each durably, delete what was published. Woken right after a commit in its own process, and on
 * a timer (OUTBOX_POLL_MS) for rows other processes wrote or a crashed one left behind. Delivery
 * is at least once; consumers dedupe by event id.
 *
 * It runs in processes with the `core` role only: workers write outbox rows but do not relay them,
 * so the relay is one kind of process that can be scaled, watched or killed on its own.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  /** Not relaying: this process does not host `core`, or is shutting down. */
  private stopped = true;

  constructor(
    private readonly db: CoreDb,
    private readonly bus: Bus,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hosts('core')) return;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.config.env.OUTBOX_POLL_MS);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Publish pending events soon; calls while a pass runs schedule one more pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.relayBatch()) === BATCH);
    } catch (error) {
      this.logger.warn(`outbox relay pass failed, will retry: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async relayBatch(): Promise<number> {
    const rows = await this.db.$queryRaw<ClaimedRow[]>`
      UPDATE core.outbox_events SET "claimedUntil" = now() + make_interval(secs => ${CLAIM_SECONDS}), attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM core.outbox_events
        WHERE "claimedUntil" IS NULL OR "claimedUntil" < now()
        ORDER BY "createdAt" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING id, subject, payload, "createdAt"`;
    const results = await Promise.allSettled(
      rows.map(async (row) => {
        await this.bus.publishDurable(defineDurableEvent(row.subject), { id: row.id, subject: row.subject, occurredAt: row.createdAt.toISOString(), payload: row.payload });
        return row.id;
      }),
    );
    const published = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    if (published.length > 0) await this.db.outboxEvent.deleteMany({ where: { id: { in: published } } });
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) this.logger.warn(`${rows.length - published.length} outbox event(s) not delivered yet: ${String(failed.reason)}`);
    return rows.length;
  }
}
