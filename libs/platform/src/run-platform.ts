import 'reflect-metadata';
import { loadConfig, type Role } from '@agent-squad/config';
import { AuthGuard } from '@agent-squad/gateway';
import { createHttpApp, instrumentHttp, logRequests, mountOpenApi, serveLeanReads } from '@agent-squad/http';
import { ApiLatencyWindow, createRootLogger, Metrics, PinoNestLogger, startTracing } from '@agent-squad/observability';
import { PlatformModule } from './platform.module';
import { applyNiceness } from './process-niceness';

const VERSION = '0.1.0';

/**
 * Starts one process of the platform. The app says which roles it hosts by default; `ROLES`
 * overrides that, so the same build runs as the one-process product or as any split of services.
 */
export async function runPlatform(env: NodeJS.ProcessEnv, defaultRoles: readonly Role[]): Promise<void> {
  const config = loadConfig(env, defaultRoles);
  const logger = createRootLogger(config.env.LOG_LEVEL, { service: config.roles.join('+'), pid: process.pid });
  try {
    if (config.env.PROCESS_NICENESS !== undefined) applyNiceness(config.env.PROCESS_NICENESS);
    const endpoint = config.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    if (endpoint) {
      await startTracing({ endpoint, serviceName: config.env.OTEL_SERVICE_NAME ?? `agent-squad-${config.roles.join('+')}`, exportDelayMs: config.env.OTEL_BSP_SCHEDULE_DELAY });
    }
    const app = await createHttpApp(PlatformModule.for(config), { bodyLimit: config.env.BODY_LIMIT_BYTES, logger: new PinoNestLogger(logger) });
    instrumentHttp(app, app.get(Metrics), app.get(ApiLatencyWindow));
    logRequests(app, logger);
    if (config.hosts('gateway')) {
      mountOpenApi(app, VERSION);
      serveLeanReads(app, app.get(AuthGuard));
    }
    await app.listen({ port: config.env.PORT, host: config.env.HOST });
    const address = app.getHttpServer().address();
    logger.info({ roles: config.roles, port: typeof address === 'object' && address ? address.port : config.env.PORT, embedded: config.embedded, niceness: config.env.PROCESS_NICENESS }, 'agent squad is ready');
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exitCode = 1;
    throw error;
  }
}
