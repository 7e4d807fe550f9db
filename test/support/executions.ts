import { type Execution, type Message, type SubmittedTask, type Task } from '@agent-squad/contracts';
import { expectStatus } from './http';
import { readAllPages } from './pagination';
import { type Session } from './session';
import { awaitDone } from './sse';

export async function submitTask(session: Session, squadId: string, title = 'Build the login page', headers: Record<string, string> = {}): Promise<SubmittedTask> {
  const response = await session.api.post<SubmittedTask>(`/v1/squads/${squadId}/tasks`, { title, description: `Please: ${title}` }, { headers });
  expectStatus(response, 202);
  return response.body;
}

export async function rerun(session: Session, taskId: string, headers: Record<string, string> = {}): Promise<Execution> {
  const response = await session.api.post<Execution>(`/v1/tasks/${taskId}/executions`, undefined, { headers });
  expectStatus(response, 202);
  return response.body;
}

export async function getExecution(session: Session, executionId: string): Promise<Execution> {
  const response = await session.api.get<Execution>(`/v1/executions/${executionId}`);
  expectStatus(response, 200);
  return response.body;
}

export async function getTask(session: Session, taskId: string): Promise<Task> {
  const response = await session.api.get<Task>(`/v1/tasks/${taskId}`);
  expectStatus(response, 200);
  return response.body;
}

/** Awaits the execution's `done` event, then reads it: its final state. */
export async function finished(session: Session, executionId: string): Promise<Execution> {
  await awaitDone(session.api, executionId);
  return getExecution(session, executionId);
}

/** Submits a task and waits for its execution to finish. */
export async function runTask(session: Session, squadId: string, title?: string): Promise<{ task: Task; execution: Execution }> {
  const submitted = await submitTask(session, squadId, title);
  const execution = await finished(session, submitted.execution.id);
  return { task: submitted.task, execution };
}

export async function listMessages(session: Session, executionId: string): Promise<Message[]> {
  return (await readAllPages<Message>(session.api, `/v1/executions/${executionId}/messages`, 100)).items;
}
