import { Client } from 'pg';
import type { Stack } from '../stack/stack';

/** Runs SQL on a split stack's database (every domain's schema): what the API does not show, such as stored outputs per step. */
export async function stackQuery<T>(stack: Stack, sql: string, params: unknown[] = []): Promise<T[]> {
  const url = stack.env['DATABASE_URL'];
  if (!url) throw new Error('stackQuery needs the split shape (a PostgreSQL database)');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Outputs stored per (execution, step) for these executions, only where there is not exactly one; [] when every step has one. */
export async function stepsWithoutOneOutput(stack: Stack, executionIds: readonly string[]): Promise<{ executionId: string; index: number; outputs: number }[]> {
  return stackQuery(
    stack,
    `SELECT s."executionId", s.index, count(m.id)::int AS outputs
     FROM core.execution_steps s
     LEFT JOIN core.messages m ON m."executionId" = s."executionId" AND m."stepIndex" = s.index AND m.kind = 'output'
     WHERE s."executionId" = ANY($1::uuid[])
     GROUP BY s."executionId", s.index HAVING count(m.id) <> 1`,
    [executionIds],
  );
}

/** How many executions of these are in each status. */
export async function statusCounts(stack: Stack, executionIds: readonly string[]): Promise<Record<string, number>> {
  const rows = await stackQuery<{ status: string; n: number }>(stack, `SELECT status, count(*)::int AS n FROM core.executions WHERE id = ANY($1::uuid[]) GROUP BY status`, [executionIds]);
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}
