import { Injectable, Logger } from '@nestjs/common';
import { AppError, ErrorCode, IntelligenceApi, type AgentRole, type PriorOutput } from '@agent-squad/contracts';
import { CoreDb } from '../core-db';
import type { ExecutionStep, Task } from '../generated/prisma/client';
import { toMessage } from '../shared/mappers';
import { ExecutionEventLog } from './execution-event-log';
import { ExecutionFinisher } from './execution-finisher';

interface Claim {
  executionId: string;
  task: Task;
  steps: ExecutionStep[];
  outputs: PriorOutput[];
}

/** Errors worth another attempt of the job: the provider or a service was briefly away. */
const TRANSIENT = new Set<string>([ErrorCode.Unavailable, ErrorCode.Timeout, ErrorCode.Internal, ErrorCode.RateLimited]);

/**
 * Runs one execution: the squad's members in order, each step a checkpoint. A resumed execution
 * skips finished steps; every write is conditional on the state it expects, so a second worker
 * on the same execution can waste effort but never store a step twice or undo an ending.
 */
@Injectable()
export class ExecutionRunner {
  private readonly logger = new Logger(ExecutionRunner.name);

  constructor(
    private readonly db: CoreDb,
    private readonly intelligence: IntelligenceApi,
    private readonly eventLog: ExecutionEventLog,
    private readonly finisher: ExecutionFinisher,
  ) {}

  /** `finalAttempt`: no retry follows, so a transient failure ends the execution `failed`. */
  async run(executionId: string, finalAttempt: boolean): Promise<void> {
    const claim = await this.claim(executionId);
    if (!claim) return;
    for (const step of claim.steps) {
      if (step.status === 'completed') continue;
      if (!(await this.startStep(step))) {
        if (await this.stopIfEnded(claim)) return;
        continue;
      }
      try {
        await this.runStep(claim, step);
      } catch (error) {
        if (!finalAttempt && isTransient(error)) throw error;
        const reason = error instanceof AppError ? error.message : 'The agent step failed';
        if (!(error instanceof AppError)) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        await this.finisher.finish(executionId, 'running', { status: 'failed', error: `${step.agentName} (${step.role}): ${reason}` });
        return;
      }
    }
    await this.finisher.finish(executionId, 'running', { status: 'completed', result: claim.outputs.at(-1)?.content ?? '' });
  }

  /** Moves a queued execution to running (or resumes a running one) and loads what it needs. */
  private async claim(executionId: string): Promise<Claim | null> {
    const { claim, events } = await this.db.$transaction(async (tx) => {
      const execution = await tx.execution.findUnique({ where: { id: executionId }, include: { task: true, steps: { orderBy: { index: 'asc' } } } });
      if (!execution || (execution.status !== 'queued' && execution.status !== 'running')) return { claim: null, events: [] };
      const starting = execution.status === 'queued';
      const { count } = await tx.execution.updateMany({
        where: { id: executionId, status: execution.status },
        data: { status: 'running', attempts: { increment: 1 }, ...(starting ? { startedAt: new Date() } : {}) },
      });
      if (count === 0) return { claim: null, events: [] };
      const outputs = await tx.message.findMany({ where: { executionId, kind: 'output' }, orderBy: { stepIndex: 'asc' } });
      const claimed: Claim = {
        executionId,
        task: execution.task,
        steps: execution.steps,
        outputs: outputs.map((message) => ({ role: message.role as AgentRole, name: agentName(execution.steps, message.stepIndex), content: message.content })),
      };
      if (!starting) return { claim: claimed, events: [] };
      await tx.task.updateMany({ where: { id: execution.taskId, latestExecutionId: executionId }, data: { status: 'running' } });
      return { claim: claimed, events: await this.eventLog.append(tx, executionId, [{ type: 'status', data: { status: 'running' } }]) };
    });
    this.eventLog.publish(events);
    return claim;
  }

  /** Marks the step running unless the execution was cancelled, ended, or the step already done. */
  private async startStep(step: ExecutionStep): Promise<boolean> {
    const { count } = await this.db.executionStep.updateMany({
      where: { executionId: step.executionId, index: step.index, status: { in: ['pending', 'running'] }, execution: { status: 'running', cancelRequested: false } },
      data: { status: 'running', startedAt: new Date() },
    });
    return count === 1;
  }

  /** After a step could not start: end on a cancel request, stop if ended, else pick up the step's stored output. */
  private async stopIfEnded(claim: Claim): Promise<boolean> {
    const execution = await this.db.execution.findUnique({ where: { id: claim.executionId }, select: { status: true, cancelRequested: true } });
    if (!execution || execution.status !== 'running') return true;
    if (execution.cancelRequested) {
      await this.finisher.finish(claim.executionId, 'running', { status: 'cancelled' });
      return true;
    }
    await this.reloadOutputs(claim);
    return false;
  }

  private async runStep(claim: Claim, step: ExecutionStep): Promise<void> {
    const completion = await this.intelligence.complete({
      model: step.model,
      role: step.role as AgentRole,
      agentName: step.agentName,
      systemPrompt: step.systemPrompt,
      task: { title: claim.task.title, description: claim.task.description },
      priorOutputs: claim.outputs,
      executionId: claim.executionId,
    });
    const events = await this.db.$transaction(async (tx) => {
      const { count } = await tx.executionStep.updateMany({
        where: { executionId: step.executionId, index: step.index, status: 'running' },
        data: { status: 'completed', finishedAt: new Date() },
      });
      if (count === 0) return null;
      const { messageSeq } = await tx.execution.update({
        where: { id: claim.executionId },
        data: {
          messageSeq: { increment: 1 },
          llmCalls: { increment: 1 },
          promptTokens: { increment: completion.usage.promptTokens },
          completionTokens: { increment: completion.usage.completionTokens },
        },
        select: { messageSeq: true },
      });
      const message = await tx.message.create({
        data: { executionId: claim.executionId, seq: messageSeq, stepIndex: step.index, memberId: step.memberId, role: step.role, kind: 'output', content: completion.content },
      });
      return this.eventLog.append(tx, claim.executionId, [{ type: 'message', data: { ...toMessage(message) } }]);
    });
    if (events) {
      this.eventLog.publish(events);
      claim.outputs.push({ role: step.role as AgentRole, name: step.agentName, content: completion.content });
    } else {
      await this.reloadOutputs(claim);
    }
  }

  /** Another worker finished a step this one was on: continue from the stored outputs. */
  private async reloadOutputs(claim: Claim): Promise<void> {
    const outputs = await this.db.message.findMany({ where: { executionId: claim.executionId, kind: 'output' }, orderBy: { stepIndex: 'asc' } });
    claim.outputs = outputs.map((message) => ({ role: message.role as AgentRole, name: agentName(claim.steps, message.stepIndex), content: message.content }));
    const done = new Set(outputs.map((message) => message.stepIndex));
    for (const step of claim.steps) if (done.has(step.index)) step.status = 'completed';
  }
}

function agentName(steps: ExecutionStep[], index: number): string {
  return steps.find((step) => step.index === index)?.agentName ?? 'Agent';
}

function isTransient(error: unknown): boolean {
  return !(error instanceof AppError) || TRANSIENT.has(error.code);
}
