import { runPlatform } from '@agent-squad/platform';

// LLM completions (and retrieval) for agent steps.
runPlatform(process.env, ['intelligence']).catch(() => process.exit(1));
