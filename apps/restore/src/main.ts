import { restoreBackups } from '@agent-squad/platform';

// One-shot: `npm run restore -- <backup folder>...` with the apps' environment (database URLs or DATA_DIR).
restoreBackups(process.env, process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
