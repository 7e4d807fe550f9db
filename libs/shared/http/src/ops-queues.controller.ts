import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { QueueStats, type QueuesReport } from '@agent-squad/queue';
import { OpsTokenGuard } from './ops-token.guard';
import { Public } from './public.decorator';

/** Failed jobs listed per queue, newest first. */
const LAST_FAILED = 10;

/**
 * Every queue's waiting, active, delayed and failed counts, the age of its oldest waiting job and
 * its last failed jobs with their errors: served by every process (not under /v1, not in the
 * public API docs), behind the ops token because failed jobs carry job data.
 */
@ApiExcludeController()
@Public()
@UseGuards(OpsTokenGuard)
@Controller('ops')
export class OpsQueuesController {
  constructor(private readonly stats: QueueStats) {}

  @Get('queues')
  @Header('cache-control', 'no-store')
  queues(): Promise<QueuesReport> {
    return this.stats.report(LAST_FAILED);
  }
}
