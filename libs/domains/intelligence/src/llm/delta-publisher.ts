import { Injectable } from '@nestjs/common';
import { executionDeltasSubject, type CompletionRequest, type ExecutionDelta } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';

/**
 * Broadcasts an agent step's text as the provider streams it, for SSE clients on any gateway
 * replica. Best effort and never stored: the step's `message` event carries the whole text.
 */
@Injectable()
export class DeltaPublisher {
  constructor(private readonly bus: Bus) {}

  /** A delta sink for the request, or undefined when it is not an execution's step. */
  forRequest(request: CompletionRequest): ((text: string) => void) | undefined {
    const { executionId, memberId, stepIndex } = request;
    if (!executionId || !memberId || stepIndex === undefined) return undefined;
    const subject = executionDeltasSubject(executionId);
    return (text) => this.bus.publish(subject, { memberId, stepIndex, role: request.role, text } satisfies ExecutionDelta);
  }
}
