import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@agent-squad/config';
import { API_LATENCY_SUBJECT, API_LATENCY_WINDOW_MS, type ApiLatencyReport } from '@agent-squad/contracts';
import { Bus } from '@agent-squad/messaging';
import { ApiLatencyWindow } from '@agent-squad/observability';

/** With WORKER_YIELD_LATENCY_MS set, tells the workers every window how fast this gateway answers API requests. */
@Injectable()
export class ApiLatencyReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly bus: Bus,
    private readonly latency: ApiLatencyWindow,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.env.WORKER_YIELD_LATENCY_MS === 0) return;
    this.timer = setInterval(() => {
      const report = this.latency.close();
      if (report) this.bus.publish(API_LATENCY_SUBJECT, report satisfies ApiLatencyReport);
    }, API_LATENCY_WINDOW_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
