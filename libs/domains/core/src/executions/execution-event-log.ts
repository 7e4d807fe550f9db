import { Injectable } from '@nestjs/common';
import { executionEventsSubject, type ExecutionEvent } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';

/**
 * An execution's event stream is numbered 1, 2, 3, ... (`executions.eventSeq`) and stored in the
 * same statement as the change it reports (so a reconnecting client replays exactly what
 * happened); this broadcasts stored events after commit, for live streams on any gateway replica.
 * The events of one statement go as one message (an array): an ending's three cost one publish.
 */
@Injectable()
export class ExecutionEventLog {
  constructor(private readonly bus: Bus) {}

  /** `events`: what one statement stored for one execution, in order. */
  publish(events: readonly ExecutionEvent[]): void {
    if (events.length > 0) this.bus.publish(executionEventsSubject(events[0]!.executionId), events);
  }
}
