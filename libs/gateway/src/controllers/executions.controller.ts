import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { eventsQuerySchema, ExecutionsApi, idParamsSchema, listQuerySchema, type EventsQuery, type Execution, type ListQuery, type Message, type Page } from '@agent-squad/contracts';
import { LeanRead, ZodParams, ZodQuery } from '@agent-squad/http';
import type { FastifyReply } from 'fastify';
import { CurrentUser, LastEventId } from '../auth/request-decorators';
import { ExecutionStream } from '../streaming/execution-stream';
import { SseWriter } from '../streaming/sse-writer';

const STREAM_TIMINGS = { pingMs: 15_000, idleCatchUpMs: 5_000 };

@ApiTags('executions')
@Controller('v1/executions')
export class ExecutionsController {
  constructor(
    private readonly executions: ExecutionsApi,
    private readonly stream: ExecutionStream,
  ) {}

  @Get(':id')
  @LeanRead()
  get(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }): Promise<Execution> {
    return this.executions.get({ ownerId, executionId: id });
  }

  @Get(':id/messages')
  @LeanRead()
  @ApiOperation({ summary: "The agents' messages, in order" })
  messages(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }, @ZodQuery(listQuerySchema) query: ListQuery): Promise<Page<Message>> {
    return this.executions.messages({ ownerId, executionId: id, ...query });
  }

  @Get(':id/events')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'Live event stream (status, message, done; with ?deltas=true also delta); reconnect with Last-Event-ID to resume',
    description:
      'Events are numbered 1, 2, 3, ... per execution. A finished execution replays its events and ends with `done`; the stream closes after `done`. ' +
      'With `?deltas=true` the stream also carries `delta` events while an agent writes: `data: {memberId, stepIndex, role, text}`, the next piece of its text as the model streams it. ' +
      'Delta events have no `id:` (so Last-Event-ID is unchanged), are live only (never replayed) and best effort; the step’s `message` event carries the whole text.',
  })
  async events(
    @CurrentUser() ownerId: string,
    @ZodParams(idParamsSchema) { id }: { id: string },
    @LastEventId() afterSeq: number,
    @ZodQuery(eventsQuerySchema) { deltas }: EventsQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.executions.get({ ownerId, executionId: id });
    reply.hijack();
    const writer = new SseWriter(reply.raw);
    writer.open(reply.getHeaders() as Record<string, string>);
    await this.stream.serve(writer, ownerId, id, afterSeq, { ...STREAM_TIMINGS, deltas });
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel: a queued execution ends at once, a running one at its next step boundary' })
  cancel(@CurrentUser() ownerId: string, @ZodParams(idParamsSchema) { id }: { id: string }): Promise<Execution> {
    return this.executions.cancel({ ownerId, executionId: id });
  }
}
