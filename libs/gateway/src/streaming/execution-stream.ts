import { Injectable, Logger } from '@nestjs/common';
import { executionDeltasSubject, executionEventsSubject, ExecutionsApi, type ExecutionDelta, type ExecutionEvent } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';
import { SseWriter } from './sse-writer';

export interface StreamTimings {
  /** Comment sent on idle connections so proxies keep them open (API: at least every 15 s). */
  pingMs: number;
  /** With no live event for this long, read the store: repairs a lost broadcast. */
  idleCatchUpMs: number;
}

export interface StreamOptions extends StreamTimings {
  /** Also relay the running agent's text deltas. */
  deltas: boolean;
}

const PAGE = 500;

/**
 * Streams one execution's events to one client: everything after `Last-Event-ID` from the store,
 * then live events from the bus (published by whichever worker runs the execution). Events are
 * numbered, so each is written exactly once and in order: a live event that arrives ahead of a
 * gap makes the stream read the missing ones from the store first. Between them, `delta` events
 * (unnumbered, never stored) carry the running agent's text as the model writes it.
 */
@Injectable()
export class ExecutionStream {
  private readonly logger = new Logger(ExecutionStream.name);

  constructor(
    private readonly bus: Bus,
    private readonly executions: ExecutionsApi,
  ) {}

  async serve(writer: SseWriter, ownerId: string, executionId: string, afterSeq: number, timings: StreamOptions): Promise<void> {
    let last = afterSeq;
    let finished = false;
    let lastEventAt = Date.now();
    let lastWriteAt = Date.now();
    let work = Promise.resolve();
    const live: ExecutionEvent[] = [];

    const write = (event: ExecutionEvent): void => {
      if (finished || event.seq !== last + 1) return;
      writer.event(event);
      last = event.seq;
      lastEventAt = lastWriteAt = Date.now();
      if (event.type === 'done') finish();
    };
    const catchUp = async (): Promise<void> => {
      for (let page = PAGE; page === PAGE && !finished; ) {
        const events = await this.executions.events({ ownerId, executionId, afterSeq: last, limit: PAGE });
        events.forEach(write);
        page = events.length;
      }
    };
    const drainLive = async (): Promise<void> => {
      live.sort((a, b) => a.seq - b.seq);
      for (const event of live.splice(0)) {
        if (event.seq > last + 1) await catchUp();
        write(event);
      }
    };
    const schedule = (task: () => Promise<void>): void => {
      work = work.then(task).catch((error: unknown) => {
        this.logger.warn(`event stream of ${executionId} failed: ${error instanceof Error ? error.message : String(error)}`);
        finish();
      });
    };

    // Each message holds the events one statement stored (see ExecutionEventLog).
    const subscription = this.bus.subscribe(executionEventsSubject(executionId), (events) => {
      live.push(...(events as ExecutionEvent[]));
      schedule(drainLive);
    });
    const deltas = timings.deltas
      ? this.bus.subscribe(executionDeltasSubject(executionId), (delta) => {
          if (finished) return;
          writer.delta(delta as ExecutionDelta);
          lastWriteAt = Date.now();
        })
      : undefined;
    const tick = setInterval(() => {
      if (writer.closed) return finish();
      const now = Date.now();
      if (now - lastWriteAt >= timings.pingMs) {
        writer.comment('ping');
        lastWriteAt = now;
      }
      if (now - lastEventAt >= timings.idleCatchUpMs) schedule(catchUp);
    }, Math.min(timings.pingMs, timings.idleCatchUpMs));
    function finish(): void {
      if (finished) return;
      finished = true;
      subscription.unsubscribe();
      deltas?.unsubscribe();
      clearInterval(tick);
      writer.end();
    }
    writer.onClose(finish);
    // Replay only once the subscription is live, so nothing published in between is missed.
    schedule(async () => {
      await Promise.all([subscription.ready(), deltas?.ready()]);
      await catchUp();
    });
    await work;
  }
}
