import { Injectable } from '@nestjs/common';
import {
  AppError,
  TasksApi,
  type Execution,
  type ListQuery,
  type Member,
  type Owned,
  type Page,
  type SubmittedTask,
  type SubmitTaskInput,
  type Task,
} from '@agent-squad/contracts';
import { CoreDb } from '../core-db';
import { ExecutionAdmission } from '../executions/execution-admission';
import { ExecutionFactory, type NewExecution } from '../executions/execution-factory';
import { planPriority } from '../executions/execution-queue';
import { SquadsService } from '../squads/squads.service';
import { idCursor } from '../shared/cursor';
import { toTask } from '../shared/mappers';
import { toPage } from '../shared/pagination';
import { IdempotencyStore } from './idempotency';
import { QuotaGate } from './quota-gate';

@Injectable()
export class TasksService implements TasksApi {
  constructor(
    private readonly db: CoreDb,
    private readonly quota: QuotaGate,
    private readonly executions: ExecutionFactory,
    private readonly admission: ExecutionAdmission,
    private readonly idempotency: IdempotencyStore,
    private readonly squads: SquadsService,
  ) {}

  async submit({ ownerId, squadId, input, idempotencyKey }: Owned & { squadId: string; input: SubmitTaskInput; idempotencyKey?: string }): Promise<SubmittedTask> {
    const scope = 'tasks.submit';
    const replay = idempotencyKey ? await this.idempotency.find<SubmittedTask>(ownerId, scope, idempotencyKey) : null;
    if (replay) return replay;
    const members = await this.runnableMembers(ownerId, squadId);
    const plan = await this.quota.admit(ownerId);
    return this.idempotency.run(ownerId, scope, idempotencyKey, () =>
      this.enqueue({
        ownerId,
        squadId,
        task: { title: input.title, description: input.description },
        members,
        priority: planPriority(plan),
        ...(idempotencyKey ? { idempotency: { scope, key: idempotencyKey, answer: (submitted) => submitted } } : {}),
      }),
    );
  }

  async list({ ownerId, squadId, limit, cursor }: Owned & ListQuery & { squadId: string }): Promise<Page<Task>> {
    const squad = await this.db.squad.findFirst({ where: { id: squadId, ownerId }, select: { id: true } });
    if (!squad) throw AppError.notFound('Squad');
    const after = idCursor(cursor);
    const rows = await this.db.task.findMany({
      where: { squadId, ownerId, ...(after ? { id: { lt: after } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    return toPage(rows, limit, (row) => row.id, toTask);
  }

  async get({ ownerId, taskId }: Owned & { taskId: string }): Promise<Task> {
    const task = await this.db.task.findFirst({ where: { id: taskId, ownerId } });
    if (!task) throw AppError.notFound('Task');
    return toTask(task);
  }

  async rerun({ ownerId, taskId, idempotencyKey }: Owned & { taskId: string; idempotencyKey?: string }): Promise<Execution> {
    const scope = 'tasks.rerun';
    const replay = idempotencyKey ? await this.idempotency.find<Execution>(ownerId, scope, idempotencyKey) : null;
    if (replay) return replay;
    const task = await this.get({ ownerId, taskId });
    const members = await this.runnableMembers(ownerId, task.squadId);
    const plan = await this.quota.admit(ownerId);
    return this.idempotency.run(ownerId, scope, idempotencyKey, async () => {
      const { execution } = await this.enqueue({
        ownerId,
        squadId: task.squadId,
        task,
        members,
        priority: planPriority(plan),
        ...(idempotencyKey ? { idempotency: { scope, key: idempotencyKey, answer: (rerun) => rerun.execution } } : {}),
      });
      return execution;
    });
  }

  /** Stores a queued execution and hands it (or its owner's oldest waiting one) to the workers if a place is free. */
  private async enqueue(input: NewExecution): Promise<{ task: Task; execution: Execution }> {
    const { created, placement } = await this.executions.createQueued(input);
    await this.admission.settle(input.ownerId, placement);
    return created;
  }

  /** The squad's members in working order (read through the cache), if the squad can take work now. */
  private async runnableMembers(ownerId: string, squadId: string): Promise<Member[]> {
    const squad = await this.squads.get({ ownerId, squadId });
    if (squad.status !== 'active') throw AppError.conflict(`The squad is ${squad.status}; activate it to submit tasks`);
    if (squad.members.length === 0) throw AppError.conflict('The squad has no members to work on tasks');
    return squad.members;
  }
}
