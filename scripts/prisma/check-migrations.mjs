#!/usr/bin/env node
// `npm run db:check`: fails when a domain's migrations do not produce its schema.prisma (someone
// edited the schema without `npm run db:migration`, or edited a migration by hand).
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { listDomains } from './lib/layout.mjs';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'lib', 'drift-worker.mjs');

/**
 * @typedef {{ domain: string, inSync: boolean, sql: string }} DomainCheck
 *   `sql` is what a new migration would contain (empty when in sync).
 */

/**
 * Replays each domain's migrations on a scratch database and diffs the result with its schema.
 * @param {string[]} [domains] defaults to every domain under prisma/
 * @returns {Promise<DomainCheck[]>}
 */
export function checkMigrations(domains = listDomains()) {
  return new Promise((resolve, reject) => {
    let checks;
    const worker = new Worker(WORKER, { workerData: { domains } });
    worker.on('message', (message) => (checks = message));
    worker.on('error', reject);
    worker.on('exit', (code) => (checks ? resolve(checks) : reject(new Error(`drift check worker exited with code ${code} and no result`))));
  });
}

async function main() {
  const checks = await checkMigrations();
  for (const { domain, inSync, sql } of checks) {
    if (inSync) console.log(`${domain}: migrations match prisma/${domain}/schema.prisma`);
    else console.error(`${domain}: DRIFT, the migrations do not produce prisma/${domain}/schema.prisma. Missing:\n${sql}\nRun: npm run db:migration -- ${domain} <name>`);
  }
  if (checks.some((check) => !check.inSync)) process.exit(1);
}

// Run only as a script; tests import `checkMigrations`. (No top-level await: Jest loads this file as CommonJS.)
if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
