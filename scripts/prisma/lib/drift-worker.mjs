// Worker thread behind `checkMigrations`: runs the schema engine outside the caller's module
// loader (Jest's cannot load the engine's ESM) and posts back one result per domain.
import { parentPort, workerData } from 'node:worker_threads';
import { openSchemaEngine } from './schema-engine.mjs';

const engine = await openSchemaEngine();
try {
  const checks = [];
  for (const domain of workerData.domains) {
    const { changed, sql } = await engine.diffMigrationsToSchema(domain);
    checks.push({ domain, inSync: !changed, sql: changed ? sql : '' });
  }
  parentPort.postMessage(checks);
} finally {
  await engine.close();
}
