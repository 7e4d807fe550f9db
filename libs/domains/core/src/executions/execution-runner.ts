import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { AppError, ErrorCode, IntelligenceApi, type CompletionResult } from '@agent-squad/contracts';
import { Metrics } from '@agent-squad/observability';
import { JobDeferred } from '@agent-squad/queue';
import type { Counter } from 'prom-client';
import { DeadlineExceeded, within } from './deadline';
import { ExecutionClaims } from './execution-claims';
import { ExecutionEventLog } from './execution-event-log';
import { ExecutionFinisher, type FinalStep, type Outcome } from './execution-finisher';
import { ExecutionLeases, type Lease } from './execution-leases';
import type { ClaimedRun, RunStep } from './execution-run';
import { StepRecorder } from './step-recorder';

/** Errors worth another attempt of the job: the provider or a service was briefly away. */
const TRANSIENT = new Set<string>([ErrorCode.Unavailable, ErrorCode.Timeout, ErrorCode.Internal, ErrorCode.RateLimited]);

/** Why a run stops before its last step. */
type Stop = 'lost' | 'shutdown' | 'cancel' | 'timeout';

/**
 * Runs one execution under a lease: the squad's members in order, each step a checkpoint. At every
 * step boundary it stops for a cancel request, the execution's timeout, a lost lease, or this
 * process shutting down (then it hands the execution over, to resume after its last finished step).
 * Every write names the claim's fence, so a worker that lost its lease (frozen, partitioned) can
 * waste effort but never store a step twice or undo an ending.
 */
@Injectable()
export class ExecutionRunner {
  private readonly logger = new Logger(ExecutionRunner.name);
  private readonly resumed: Counter;
  private draining = false;

  constructor(
    private readonly claims: ExecutionClaims,
    private readonly leases: ExecutionLeases,
    private readonly steps: StepRecorder,
    private readonly finisher: ExecutionFinisher,
    private readonly intelligence: IntelligenceApi,
    private readonly eventLog: ExecutionEventLog,
    private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    this.resumed = metrics.counter('executions_resumed_total', 'Executions this process took over after their previous worker stopped (lease lapsed or handed over)');
  }

  /** `finalAttempt`: no retry follows, so a transient failure ends the execution `failed`. */
  async run(executionId: string, finalAttempt: boolean): Promise<void> {
    if (this.draining) throw new JobDeferred(0, 'this worker is shutting down');
    const claim = await this.claims.claim(executionId, this.leases.worker, this.leases.leaseMs);
    // Another worker's lease is live: come back when it would have lapsed.
    if (claim.kind === 'held') throw new JobDeferred(claim.retryInMs + 50, 'another worker holds the execution');
    if (claim.kind === 'none') return;
    if (claim.started) this.eventLog.publish([claim.started]);
    else this.resumed.inc();
    const lease = this.leases.hold(executionId, claim.run.fence);
    try {
      await this.runSteps(claim.run, lease, finalAttempt);
    } finally {
      this.leases.drop(lease);
    }
  }

  /** Shutdown: every run stops at its next step boundary and hands its execution over. */
  drain(): void {
    this.draining = true;
  }

  private async runSteps(run: ClaimedRun, lease: Lease, finalAttempt: boolean): Promise<void> {
    const deadline = run.startedAt.getTime() + this.config.env.EXECUTION_TIMEOUT_MS;
    const pending = run.steps.filter((step) => step.status !== 'completed');
    for (const [position, step] of pending.entries()) {
      const stop = this.stopReason(run, lease, deadline);
      if (stop) return this.stop(run, lease, stop);
      let completion: CompletionResult;
      try {
        completion = await this.callAgent(run, step, lease, deadline);
      } catch (error) {
        return this.stepFailed(run, lease, step, error, finalAttempt);
      }
      const next = pending[position + 1];
      if (!next) return this.end(run, lease, { status: 'completed', result: completion.content }, { step, completion });
      const recorded = await this.steps.record(run, step, completion, this.draining ? null : next.index);
      if (!recorded) return this.leases.refused(lease);
      this.eventLog.publish([recorded.event]);
      run.usage = recorded.usage;
      run.cancelRequested = recorded.cancelRequested;
      run.outputs.push({ role: step.role, name: step.agentName, content: completion.content });
    }
    // Nothing was left to run: every step had been stored before this claim.
    await this.end(run, lease, { status: 'completed', result: run.outputs.at(-1)?.content ?? '' });
  }

  private stopReason(run: ClaimedRun, lease: Lease, deadline: number): Stop | undefined {
    if (lease.ended) return lease.ended;
    if (this.draining) return 'shutdown';
    if (run.cancelRequested) return 'cancel';
    if (Date.now() >= deadline) return 'timeout';
    return undefined;
  }

  private async stop(run: ClaimedRun, lease: Lease, stop: Stop): Promise<void> {
    switch (stop) {
      case 'lost':
        return;
      case 'shutdown':
        // Claimable at once by another worker; the job goes back in line without using an attempt.
        await this.leases.release(lease);
        throw new JobDeferred(0, 'handed over: this worker is shutting down');
      case 'cancel':
        return this.end(run, lease, { status: 'cancelled' });
      case 'timeout':
        return this.end(run, lease, { status: 'failed', error: this.timedOut() });
    }
  }

  private callAgent(run: ClaimedRun, step: RunStep, lease: Lease, deadline: number): Promise<CompletionResult> {
    const stepMs = this.config.env.EXECUTION_STEP_TIMEOUT_MS;
    const left = deadline - Date.now();
    const request = this.intelligence.complete({
      model: step.model,
      role: step.role,
      agentName: step.agentName,
      systemPrompt: step.systemPrompt,
      task: run.task,
      priorOutputs: run.outputs,
      executionId: run.executionId,
      ownerId: run.ownerId,
      squadId: run.squadId,
      memberId: step.memberId,
      stepIndex: step.index,
      tools: step.tools,
      fallbackModel: step.fallbackModel,
    });
    return within(request, Math.min(stepMs, left), lease.signal, () => new DeadlineExceeded(left < stepMs ? this.timedOut() : `${step.agentName} (${step.role}): the step took longer than ${stepMs} ms`));
  }

  private async stepFailed(run: ClaimedRun, lease: Lease, step: RunStep, error: unknown, finalAttempt: boolean): Promise<void> {
    if (lease.ended) return this.stop(run, lease, lease.ended);
    if (error instanceof DeadlineExceeded) return this.end(run, lease, { status: 'failed', error: error.message });
    if (!finalAttempt && isTransient(error)) {
      // The retry (another attempt of the job) may claim it at once.
      await this.leases.release(lease).catch(() => undefined);
      throw error;
    }
    if (!(error instanceof AppError)) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const reason = error instanceof AppError ? error.message : 'The agent step failed';
    return this.end(run, lease, { status: 'failed', error: `${step.agentName} (${step.role}): ${reason}` });
  }

  private async end(run: ClaimedRun, lease: Lease, outcome: Outcome, last?: FinalStep): Promise<void> {
    this.leases.drop(lease);
    const ended = await this.finisher.finish({ from: 'running', executionId: run.executionId, ownerId: run.ownerId, squadId: run.squadId, fence: run.fence, usage: run.usage }, outcome, last);
    if (!ended) this.leases.refused(lease);
  }

  private timedOut(): string {
    return `The execution timed out: it ran longer than ${this.config.env.EXECUTION_TIMEOUT_MS} ms`;
  }
}

function isTransient(error: unknown): boolean {
  return !(error instanceof AppError) || TRANSIENT.has(error.code);
}
