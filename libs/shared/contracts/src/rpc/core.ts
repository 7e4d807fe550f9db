import type {
  ApiKeySummary,
  CreateApiKeyInput,
  CreatedApiKey,
  CreateMemberInput,
  CreateSquadInput,
  Execution,
  ExecutionEvent,
  ListQuery,
  LoginInput,
  Member,
  Message,
  Page,
  SignupInput,
  Squad,
  SubmittedTask,
  SubmitTaskInput,
  Task,
  UpdateMemberInput,
  UpdateSquadInput,
  User,
} from '../api';
import { defineService } from './service-contract';

/** Every call on owned data names the owner: the core domain scopes each query by it. */
export interface Owned {
  ownerId: string;
}

export interface Principal {
  userId: string;
}

export abstract class AuthApi {
  abstract signup(request: SignupInput): Promise<User>;
  /** The user for these credentials; 401 when they do not match. */
  abstract verifyCredentials(request: LoginInput): Promise<User>;
  abstract getUser(request: { userId: string }): Promise<User>;
  /** The principal for a raw API key; 401 when unknown or revoked. */
  abstract authenticateApiKey(request: { key: string }): Promise<Principal>;
  abstract createApiKey(request: Owned & CreateApiKeyInput): Promise<CreatedApiKey>;
  abstract listApiKeys(request: Owned & ListQuery): Promise<Page<ApiKeySummary>>;
  abstract revokeApiKey(request: Owned & { keyId: string }): Promise<null>;
}
export const AUTH_SERVICE = defineService(AuthApi, 'core.auth', {
  signup: true,
  verifyCredentials: true,
  getUser: true,
  authenticateApiKey: true,
  createApiKey: true,
  listApiKeys: true,
  revokeApiKey: true,
});

export abstract class SquadsApi {
  abstract create(request: Owned & { input: CreateSquadInput }): Promise<Squad>;
  abstract list(request: Owned & ListQuery): Promise<Page<Squad>>;
  abstract get(request: Owned & { squadId: string }): Promise<Squad>;
  abstract update(request: Owned & { squadId: string; patch: UpdateSquadInput }): Promise<Squad>;
  abstract remove(request: Owned & { squadId: string }): Promise<null>;
  abstract addMember(request: Owned & { squadId: string; input: CreateMemberInput }): Promise<Member>;
  abstract updateMember(request: Owned & { squadId: string; memberId: string; patch: UpdateMemberInput }): Promise<Member>;
  abstract removeMember(request: Owned & { squadId: string; memberId: string }): Promise<null>;
}
export const SQUADS_SERVICE = defineService(SquadsApi, 'core.squads', {
  create: true,
  list: true,
  get: true,
  update: true,
  remove: true,
  addMember: true,
  updateMember: true,
  removeMember: true,
});

export abstract class TasksApi {
  abstract submit(request: Owned & { squadId: string; input: SubmitTaskInput; idempotencyKey?: string }): Promise<SubmittedTask>;
  abstract list(request: Owned & ListQuery & { squadId: string }): Promise<Page<Task>>;
  abstract get(request: Owned & { taskId: string }): Promise<Task>;
  abstract rerun(request: Owned & { taskId: string; idempotencyKey?: string }): Promise<Execution>;
}
export const TASKS_SERVICE = defineService(TasksApi, 'core.tasks', {
  submit: true,
  list: true,
  get: true,
  rerun: true,
});

export abstract class ExecutionsApi {
  abstract get(request: Owned & { executionId: string }): Promise<Execution>;
  abstract messages(request: Owned & ListQuery & { executionId: string }): Promise<Page<Message>>;
  /** Stored events with `seq` greater than `afterSeq`, oldest first, at most `limit`. */
  abstract events(request: Owned & { executionId: string; afterSeq: number; limit: number }): Promise<ExecutionEvent[]>;
  abstract cancel(request: Owned & { executionId: string }): Promise<Execution>;
}
export const EXECUTIONS_SERVICE = defineService(ExecutionsApi, 'core.executions', {
  get: true,
  messages: true,
  events: true,
  cancel: true,
});
