import { randomUUID } from 'node:crypto';
import type { SubmittedTask } from '@agent-squad/contracts';
import type { Session } from '../session';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Submits a task and retries until it is accepted, with one Idempotency-Key for every try: while
 * services are being killed a try may fail (503) or lose its answer, and the retry then gets the
 * first answer instead of a second task.
 */
export async function submitSurely(session: Session, squadId: string, title: string, timeoutMs = 120_000): Promise<SubmittedTask> {
  const headers = { 'idempotency-key': randomUUID() };
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const response = await session.api.post<SubmittedTask>(`/v1/squads/${squadId}/tasks`, { title, description: `Please: ${title}` }, { headers }).catch((error: unknown) => error as Error);
    if (!(response instanceof Error) && response.status === 202) return response.body;
    const why = response instanceof Error ? response.message : `${response.status} ${response.text.slice(0, 200)}`;
    if (!(response instanceof Error) && response.status < 500) throw new Error(`submit "${title}" refused: ${why}`);
    if (Date.now() > deadline) throw new Error(`submit "${title}" not accepted within ${timeoutMs} ms (${attempt} tries), last: ${why}`);
    await pause(Math.min(100 * attempt, 1000));
  }
}
