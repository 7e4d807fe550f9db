import { Injectable } from '@nestjs/common';
import { executionEventsSubject, type ExecutionEvent, type ExecutionEventType } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';
import type { Prisma } from '../core-db';

export interface NewExecutionEvent {
  type: ExecutionEventType;
  data: Record<string, unknown>;
}

/**
 * An execution's event stream: numbered 1, 2, 3, ... and stored in the same transaction as the
 * change it reports (so a reconnecting client replays exactly what happened), then broadcast
 * after commit for live streams on any gateway replica.
 */
@Injectable()
export class ExecutionEventLog {
  constructor(private readonly bus: Bus) {}

  async append(tx: Prisma.TransactionClient, executionId: string, events: NewExecutionEvent[]): Promise<ExecutionEvent[]> {
    const { eventSeq } = await tx.execution.update({
      where: { id: executionId },
      data: { eventSeq: { increment: events.length } },
      select: { eventSeq: true },
    });
    const numbered = events.map((event, index) => ({ executionId, seq: eventSeq - events.length + index + 1, ...event }));
    await tx.executionEvent.createMany({ data: numbered.map((event) => ({ ...event, data: event.data as Prisma.InputJsonObject })) });
    return numbered;
  }

  publish(events: readonly ExecutionEvent[]): void {
    for (const event of events) this.bus.publish(executionEventsSubject(event.executionId), event);
  }
}
