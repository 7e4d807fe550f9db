import { Injectable } from '@nestjs/common';
import { executionEventsSubject, type ExecutionEvent } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';

/**
 * An execution's event stream is numbered 1, 2, 3, ... (`executions.eventSeq`) and stored in the
 * same statement as the change it reports (so a reconnecting client replays exactly what
 * happened); this broadcasts stored events after commit, for live streams on any gateway replica.
 */
@Injectable()
export class ExecutionEventLog {
  constructor(private readonly bus: Bus) {}

  publish(events: readonly ExecutionEvent[]): void {
    for (const event of events) this.bus.publish(executionEventsSubject(event.executionId), event);
  }
}
