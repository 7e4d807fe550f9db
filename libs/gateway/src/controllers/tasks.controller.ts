import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  idParamsSchema,
  listQuerySchema,
  submitTaskSchema,
  TasksApi,
  type Execution,
  type ListQuery,
  type Page,
  type SubmittedTask,
  type SubmitTaskInput,
  type Task,
} from '@agent-squad/contracts';
import { LeanRead, ZodBody, ZodParams, ZodQuery } from '@agent-squad/http';
import { CurrentUser, IdempotencyKey } from '../auth/request-decorators';

const idempotencyHeader = ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Repeat a request safely: the same key within 24 h returns the first answer' });

@ApiTags('tasks')
@Controller('v1')
export class TasksController {
  constructor(private readonly tasks: TasksApi) {}

  @Post('squads/:id/tasks')
  @HttpCode(202)
  @idempotencyHeader
  @ApiOperation({ summary: 'Submit a task; it runs in the background (402 when the plan quota is used up)' })
  submit(
    @CurrentUser() ownerId: string,
    @ZodParams(idParamsSchema) { id }: { id: string },
    @ZodBody(submitTaskSchema) input: SubmitTaskInput,
    @IdempotencyKey() idempotencyKey: string | undefined,
  ): Promise<SubmittedTask> {
    return this.tasks.submit({ ownerId, squadId: id, input, ...(idempotencyKey ? { idempotencyKey } : {}) });
  }

  @Get('squads/:id/tasks')
  @LeanRead()
  @ApiOperation({ summary: "A squad's tasks, newest first" })
  list(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }, @ZodQuery(listQuerySchema) query: ListQuery): Promise<Page<Task>> {
    return this.tasks.list({ ownerId, squadId: id, ...query });
  }

  @Get('tasks/:id')
  @LeanRead()
  get(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }): Promise<Task> {
    return this.tasks.get({ ownerId, taskId: id });
  }

  @Post('tasks/:id/executions')
  @HttpCode(202)
  @idempotencyHeader
  @ApiOperation({ summary: 'Run the task again' })
  rerun(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }, @IdempotencyKey() idempotencyKey: string | undefined): Promise<Execution> {
    return this.tasks.rerun({ ownerId, taskId: id, ...(idempotencyKey ? { idempotencyKey } : {}) });
  }
}
