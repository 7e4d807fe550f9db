import type { Logger } from '@nestjs/common';
import type { LiveHandler } from './bus';
import { describe } from './rpc/rpc-errors';

/** Live delivery is best effort: a failing subscriber is logged and never affects the others. */
export async function runLiveHandler<T>(handler: LiveHandler<T>, data: T, subject: string, logger: Logger): Promise<void> {
  try {
    await handler(data, subject);
  } catch (error) {
    logger.error(`live handler for ${subject} failed: ${describe(error)}`, error instanceof Error ? error.stack : undefined);
  }
}
