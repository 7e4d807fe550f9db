import { Injectable } from '@nestjs/common';
import { executionDeltasSubject, type CompletionRequest, type ExecutionDelta } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';

/** Pieces of text that arrive within this long go out as one delta (a model may stream a token at a time). */
export const DELTA_BATCH_MS = 25;

/** One step's text deltas on their way out. */
export interface DeltaStream {
  write(text: string): void;
  /**
   * The step's answer is complete (or failed): called before the answer leaves, so its deltas
   * precede its message. Sends what is pending if the text was already streaming; an answer that
   * came whole within one batch window sends no delta at all, as its message carries the text.
   */
  end(): void;
}

/**
 * Broadcasts an agent step's text as the provider streams it, for SSE clients on any gateway
 * replica. Best effort and never stored: the step's `message` event carries the whole text.
 * Pieces are gathered for up to DELTA_BATCH_MS into one message: a fast stream (or the offline
 * model without latency, whose pieces come all at once) costs the bus a message per batch, not
 * per token, while a client still sees the text grow; an answer faster than one batch costs none.
 */
@Injectable()
export class DeltaPublisher {
  constructor(private readonly bus: Bus) {}

  /** The request's delta stream, or undefined when it is not an execution's step. */
  forRequest(request: CompletionRequest): DeltaStream | undefined {
    const { executionId, memberId, stepIndex } = request;
    if (!executionId || !memberId || stepIndex === undefined) return undefined;
    const subject = executionDeltasSubject(executionId);
    let pending = '';
    let streaming = false;
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      clearTimeout(timer);
      timer = undefined;
      if (pending === '') return;
      this.bus.publish(subject, { memberId, stepIndex, role: request.role, text: pending } satisfies ExecutionDelta);
      pending = '';
      streaming = true;
    };
    return {
      write(text) {
        pending += text;
        timer ??= setTimeout(flush, DELTA_BATCH_MS);
      },
      end() {
        if (streaming) return flush();
        clearTimeout(timer);
        pending = '';
      },
    };
  }
}
