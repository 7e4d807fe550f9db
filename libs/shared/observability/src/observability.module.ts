import { Global, Module } from '@nestjs/common';
import { ApiLatencyWindow } from './api-latency-window';
import { HealthRegistry } from './health';
import { Metrics } from './metrics';
import { TracingShutdown } from './tracing/tracing-shutdown';

@Global()
@Module({ providers: [Metrics, HealthRegistry, TracingShutdown, ApiLatencyWindow], exports: [Metrics, HealthRegistry, ApiLatencyWindow] })
export class ObservabilityModule {}
