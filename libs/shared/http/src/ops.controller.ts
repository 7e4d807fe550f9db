import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthRegistry, Metrics } from '@agent-squad/observability';
import type { FastifyReply } from 'fastify';
import { Public } from './public.decorator';

/** Liveness, readiness and metrics: served by every process, whatever its roles. */
@ApiExcludeController()
@Public()
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly metrics: Metrics,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.health.readiness();
    const down = Object.entries(report.checks).filter(([, check]) => !check.ok);
    // `failing`: critical dependencies (503); `degraded`: optional ones the process works without (still 200).
    const failing = down.filter(([, check]) => check.critical !== false).map(([name]) => name);
    const degraded = down.filter(([, check]) => check.critical === false).map(([name]) => name);
    await reply.status(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'degraded', failing, degraded, checks: report.checks });
  }

  @Get('metrics')
  @Header('cache-control', 'no-store')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    await reply.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
