import { runPlatform } from '@agent-squad/platform';

// Runs executions from the job queue.
runPlatform(process.env, ['worker']).catch(() => process.exit(1));
