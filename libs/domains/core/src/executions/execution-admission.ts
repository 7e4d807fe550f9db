import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { CoreDb } from '../core-db';
import { ExecutionDispatcher } from './execution-queue';

/**
 * What a write that may take or free a place (a new execution, an ending) left to do: dispatch the
 * execution it placed, look for the owner's waiting executions (a place is free but was not
 * taken in that statement), or nothing (no place free).
 */
export type Placement = { kind: 'placed'; executionId: string; priority: number } | { kind: 'admit' } | { kind: 'waiting' };

/**
 * The per-user limit (USER_MAX_ACTIVE_EXECUTIONS): an execution reaches the job queue only with one
 * of its owner's numbered places (`execution_slots`), so one user's flood waits in the database,
 * oldest first, while everyone else's work goes straight to the workers. The place numbers' primary
 * key makes the limit hold under any concurrency; a place is freed in the statement that ends its
 * execution (or by cascade when the execution is deleted), so the count can never drift.
 */
@Injectable()
export class ExecutionAdmission {
  private readonly logger = new Logger(ExecutionAdmission.name);

  constructor(
    private readonly db: CoreDb,
    private readonly config: AppConfig,
    private readonly dispatcher: ExecutionDispatcher,
  ) {}

  /** Carries out what a placing write left to do (see Placement). Never throws, as `admit`. */
  async settle(ownerId: string, placement: Placement): Promise<void> {
    if (placement.kind === 'placed') await this.dispatcher.dispatchNew(placement.executionId, placement.priority);
    else if (placement.kind === 'admit') await this.admit(ownerId);
  }

  /**
   * Gives the owner's oldest waiting executions its free places and dispatches them. Racing calls
   * may each take fewer places than are free (a conflict skips a row); the next call, or the
   * reconciler, admits the rest. Never throws: the reconciler retries what fails here.
   */
  async admit(ownerId: string): Promise<void> {
    const limit = this.config.env.USER_MAX_ACTIVE_EXECUTIONS;
    try {
      const admitted = await this.db.$queryRaw<{ executionId: string; priority: number }[]>`
        WITH free AS (
          SELECT place, row_number() OVER (ORDER BY place) AS n
          FROM generate_series(0, ${limit}::int - 1) AS place
          WHERE NOT EXISTS (SELECT 1 FROM core.execution_slots s WHERE s."ownerId" = ${ownerId}::uuid AND s.slot = place)
        ), waiting AS (
          SELECT e.id, e.priority, row_number() OVER (ORDER BY e."createdAt", e.id) AS n
          FROM core.executions e
          WHERE e."ownerId" = ${ownerId}::uuid AND e.status = 'queued'
            AND NOT EXISTS (SELECT 1 FROM core.execution_slots s WHERE s."executionId" = e.id)
          ORDER BY e."createdAt", e.id LIMIT ${limit}::int
        ), placed AS (
          INSERT INTO core.execution_slots ("ownerId", slot, "executionId")
          SELECT ${ownerId}::uuid, free.place, waiting.id FROM free JOIN waiting USING (n)
          ON CONFLICT DO NOTHING
          RETURNING "executionId"
        )
        SELECT placed."executionId", waiting.priority FROM placed JOIN waiting ON waiting.id = placed."executionId"
        ORDER BY waiting.n`;
      for (const { executionId, priority } of admitted) await this.dispatcher.dispatchNew(executionId, priority);
    } catch (error) {
      this.logger.warn(`admission for user ${ownerId} deferred to the reconciler: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
