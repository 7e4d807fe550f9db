import { Injectable } from '@nestjs/common';
import {
  AppError,
  ExecutionsApi,
  type Execution,
  type ExecutionEvent,
  type ListQuery,
  type Message,
  type Owned,
  type Page,
} from '@agent-squad/contracts';
import { CoreDb } from '../core-db';
import { seqCursor } from '../shared/cursor';
import { toExecution, toExecutionEvent, toMessage } from '../shared/mappers';
import { toPage } from '../shared/pagination';
import { ExecutionFinisher } from './execution-finisher';

const stepsInOrder = { steps: { orderBy: { index: 'asc' } } } as const;

/** Reads of executions are never cached: a running execution's status must never be stale. */
@Injectable()
export class ExecutionsService implements ExecutionsApi {
  constructor(
    private readonly db: CoreDb,
    private readonly finisher: ExecutionFinisher,
  ) {}

  async get({ ownerId, executionId }: Owned & { executionId: string }): Promise<Execution> {
    const execution = await this.db.execution.findFirst({ where: { id: executionId, ownerId }, include: stepsInOrder });
    if (!execution) throw AppError.notFound('Execution');
    return toExecution(execution);
  }

  async messages({ ownerId, executionId, limit, cursor }: Owned & ListQuery & { executionId: string }): Promise<Page<Message>> {
    await this.assertOwned(ownerId, executionId);
    const rows = await this.db.message.findMany({
      where: { executionId, seq: { gt: seqCursor(cursor) } },
      orderBy: { seq: 'asc' },
      take: limit + 1,
    });
    return toPage(rows, limit, (row) => String(row.seq), toMessage);
  }

  async events({ ownerId, executionId, afterSeq, limit }: Owned & { executionId: string; afterSeq: number; limit: number }): Promise<ExecutionEvent[]> {
    await this.assertOwned(ownerId, executionId);
    const rows = await this.db.executionEvent.findMany({ where: { executionId, seq: { gt: afterSeq } }, orderBy: { seq: 'asc' }, take: limit });
    return rows.map(toExecutionEvent);
  }

  /** A queued execution ends at once; a running one at its next step boundary. */
  async cancel({ ownerId, executionId }: Owned & { executionId: string }): Promise<Execution> {
    const execution = await this.get({ ownerId, executionId });
    const ending = { from: 'queued' as const, executionId, ownerId, squadId: execution.squadId };
    if (execution.status === 'queued' && (await this.finisher.finish(ending, { status: 'cancelled' }))) {
      return this.get({ ownerId, executionId });
    }
    const { count } = await this.db.execution.updateMany({ where: { id: executionId, status: { in: ['queued', 'running'] } }, data: { cancelRequested: true } });
    if (count === 0) throw AppError.conflict(`The execution has already ended (${(await this.get({ ownerId, executionId })).status})`);
    return this.get({ ownerId, executionId });
  }

  private async assertOwned(ownerId: string, executionId: string): Promise<void> {
    const found = await this.db.execution.findFirst({ where: { id: executionId, ownerId }, select: { id: true } });
    if (!found) throw AppError.notFound('Execution');
  }
}
