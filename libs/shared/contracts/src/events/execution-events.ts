import type { ExecutionEvent, ExecutionStatus } from '../api';
import { defineDurableEvent } from './event-contract';

export interface ExecutionFinishedPayload {
  executionId: string;
  ownerId: string;
  squadId: string;
  status: ExecutionStatus;
  /** Whether the execution ever started running (an execution cancelled while queued did not). */
  started: boolean;
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
  finishedAt: string;
}

/** Execution reached a final state: billing meters it. */
export const EXECUTION_FINISHED = defineDurableEvent<ExecutionFinishedPayload>('execution.finished');

/** Live subject carrying one execution's stream events, for any gateway replica to relay. */
export function executionEventsSubject(executionId: string): string {
  return `execution.events.${executionId}`;
}
export type LiveExecutionEvent = ExecutionEvent;

/** A piece of an agent step's text as the model writes it (SSE `delta` event). */
export interface ExecutionDelta {
  memberId: string;
  stepIndex: number;
  role: string;
  text: string;
}

/** Live subject carrying one execution's text deltas: best effort, never stored or replayed. */
export function executionDeltasSubject(executionId: string): string {
  return `execution.deltas.${executionId}`;
}
