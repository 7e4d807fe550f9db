import { runPlatform } from '@agent-squad/platform';

// Links to trackers and MCP servers.
runPlatform(process.env, ['integration']).catch(() => process.exit(1));
