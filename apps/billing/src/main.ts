import { runPlatform } from '@agent-squad/platform';

// Plans, usage metering and quotas.
runPlatform(process.env, ['billing']).catch(() => process.exit(1));
