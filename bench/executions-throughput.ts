import { readFinished, sum, type Counts } from './metrics';
import { mapLimit } from '../test/support/pool';
import { type SeededSquad } from './seed';
import { percentile } from './stats';

export interface ExecutionsOptions {
  title: string;
  baseUrl: string;
  squads: readonly SeededSquad[];
  /** Processes hosting the worker role: their executions_finished_total says when the burst is done. */
  workerUrls: () => string[];
  tasks: number;
  concurrency: number;
  timeoutMs: number;
  pollMs?: number;
}

export interface ExecutionsResult {
  title: string;
  accepted: number;
  rejected: number;
  /** Refused submits by HTTP status. */
  rejections: Record<string, number>;
  completed: number;
  failed: number;
  /** From the first submit until the last execution finished (or the timeout). */
  seconds: number;
  submitSeconds: number;
  /** Completed executions per second over `seconds`. */
  perSecond: number;
  submitP50: number;
  submitP99: number;
  timedOut: boolean;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function delta(after: Counts, before: Counts, status: string): number {
  return (after[status] ?? 0) - (before[status] ?? 0);
}

/**
 * Submits a burst of tasks over many squads (bounded concurrency), then waits until the worker
 * processes' finished-counter has grown by as many executions as were accepted. The counter is read
 * from /metrics, so the wait costs the API nothing.
 */
export async function benchExecutions(options: ExecutionsOptions): Promise<ExecutionsResult> {
  const { pollMs = 100 } = options;
  const before = await readFinished(options.workerUrls());
  const submitLatencies: number[] = [];
  let accepted = 0;
  const rejections: Record<string, number> = {};
  const start = performance.now();
  await mapLimit(Array.from({ length: options.tasks }), options.concurrency, async (_, index) => {
    const squad = options.squads[index % options.squads.length]!;
    const sent = performance.now();
    const response = await fetch(`${options.baseUrl}/v1/squads/${squad.squadId}/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${squad.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `Bench task ${index}`, description: 'Add discount codes at checkout; codes expire and can be used once.' }),
    });
    await response.arrayBuffer();
    submitLatencies.push(performance.now() - sent);
    if (response.status === 202) accepted++;
    else rejections[response.status] = (rejections[response.status] ?? 0) + 1;
  });
  const submitSeconds = (performance.now() - start) / 1000;
  const rejected = Object.values(rejections).reduce((sum, count) => sum + count, 0);
  if (rejected > 0) console.error(`bench: ${options.title}: ${rejected} submits refused: ${JSON.stringify(rejections)}`);

  let after = before;
  let timedOut = false;
  for (;;) {
    after = await readFinished(options.workerUrls());
    if (sum(after) - sum(before) >= accepted) break;
    if (performance.now() - start > options.timeoutMs) {
      timedOut = true;
      break;
    }
    await pause(pollMs);
  }
  const seconds = (performance.now() - start) / 1000;
  const completed = delta(after, before, 'completed');
  return {
    title: options.title,
    accepted,
    rejected,
    rejections,
    completed,
    failed: sum(after) - sum(before) - completed,
    seconds,
    submitSeconds,
    perSecond: completed / seconds,
    submitP50: percentile(submitLatencies, 50),
    submitP99: percentile(submitLatencies, 99),
    timedOut,
  };
}
