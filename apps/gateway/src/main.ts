import { runPlatform } from '@agent-squad/platform';

// The public REST API edge; domains are reached over NATS.
runPlatform(process.env, ['gateway']).catch(() => process.exit(1));
