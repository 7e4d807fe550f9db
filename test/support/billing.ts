import { type UsageReport } from '@agent-squad/contracts';
import { expectStatus } from './http';
import { type Session } from './session';
import { waitUntil } from './wait';

export async function getUsage(session: Session): Promise<UsageReport> {
  const response = await session.api.get<UsageReport>('/v1/billing/usage');
  expectStatus(response, 200);
  return response.body;
}

/** Usage is metered from events after executions finish: poll it (bounded) until it shows `executions`. */
export function waitForMeteredExecutions(session: Session, executions: number): Promise<UsageReport> {
  return waitUntil(`billing usage to show ${executions} executions`, () => getUsage(session), (usage) => usage.executions >= executions, {
    timeoutMs: 15_000,
  });
}
