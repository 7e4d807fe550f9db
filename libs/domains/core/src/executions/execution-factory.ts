import { Injectable } from '@nestjs/common';
import type { Execution } from '@agent-squad/contracts';
import type { Prisma } from '../core-db';
import type { Member } from '../generated/prisma/client';
import { toExecution } from '../shared/mappers';

export const stepsInOrder = { steps: { orderBy: { index: 'asc' } } } as const;

/**
 * Creates a queued execution of a task in the caller's transaction: one step per member, a
 * snapshot of the member as it is now (later edits to the squad do not change a run under way),
 * and the stream's first event. It reaches the workers once admitted (`ExecutionAdmission`).
 */
@Injectable()
export class ExecutionFactory {
  async createQueued(tx: Prisma.TransactionClient, task: { id: string; ownerId: string; squadId: string }, members: Member[], priority: number): Promise<Execution> {
    const execution = await tx.execution.create({
      data: {
        ownerId: task.ownerId,
        taskId: task.id,
        squadId: task.squadId,
        priority,
        eventSeq: 1,
        steps: {
          create: members.map((member, index) => ({
            index,
            memberId: member.id,
            role: member.role,
            agentName: member.name,
            systemPrompt: member.systemPrompt,
            model: member.model,
            tools: member.tools,
          })),
        },
        events: { create: { seq: 1, type: 'status', data: { status: 'queued' } } },
      },
      include: stepsInOrder,
    });
    await tx.task.update({ where: { id: task.id }, data: { latestExecutionId: execution.id, status: 'queued' } });
    return toExecution(execution);
  }
}
