import { runPlatform } from '@agent-squad/platform';

// Users, squads, tasks and executions (the core domain's RPC services).
runPlatform(process.env, ['core']).catch(() => process.exit(1));
