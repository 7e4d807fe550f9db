import { runPlatform } from '@agent-squad/platform';

// Every role in one process: the embedded product of `npm start` (no services needed), or a phase-1 replica when NATS, Redis and Postgres are configured.
runPlatform(process.env, ['gateway', 'core', 'worker', 'intelligence', 'integration', 'billing']).catch(() => process.exit(1));
