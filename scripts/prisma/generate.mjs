#!/usr/bin/env node
// `npm run db:generate`: generates every domain's Prisma client, offline. Runs on postinstall and
// before each build, so a schema whose client is already current is skipped (`--force` regenerates).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { listDomains, REPO_ROOT, schemaPath } from './lib/layout.mjs';

const require = createRequire(import.meta.url);
const PRISMA_CLI = require.resolve('prisma/build/index.js');
const PRISMA_VERSION = require('prisma/package.json').version;
const STAMP = '.schema-hash';

// `generate` never needs the native schema engine; pointing Prisma at /bin/false stops it from
// downloading one, and CHECKPOINT_DISABLE stops its update check (both would need the network).
const PRISMA_ENV = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', CHECKPOINT_DISABLE: '1' };

/** The generator's output folder, or undefined if the schema doesn't name one. */
function outputDir(schemaFile, schema) {
  const output = /^\s*output\s*=\s*"([^"]+)"/m.exec(schema)?.[1];
  return output && resolve(dirname(schemaFile), output);
}

function fingerprint(schema) {
  return createHash('sha256').update(`${PRISMA_VERSION}\n${schema}`).digest('hex');
}

function isCurrent(output, hash) {
  const stamp = output && join(output, STAMP);
  return Boolean(stamp && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash);
}

/** Runs `prisma generate` for one schema; resolves with its output on success. */
function generate(schemaFile) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [PRISMA_CLI, 'generate', '--schema', schemaFile], { cwd: REPO_ROOT, env: PRISMA_ENV });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(output) : reject(new Error(`prisma generate --schema ${schemaFile} failed:\n${output}`))));
  });
}

async function main() {
  const force = process.argv.includes('--force');
  const started = Date.now();
  const results = await Promise.allSettled(
    listDomains().map(async (domain) => {
      const file = schemaPath(domain);
      const schema = readFileSync(file, 'utf8');
      const output = outputDir(file, schema);
      const hash = fingerprint(schema);
      if (!force && isCurrent(output, hash)) return `${domain}: up to date`;
      await generate(file);
      if (output) writeFileSync(join(output, STAMP), hash);
      return `${domain}: generated`;
    }),
  );
  for (const result of results) {
    if (result.status === 'fulfilled') console.log(result.value);
    else console.error(result.reason instanceof Error ? result.reason.message : result.reason);
  }
  if (results.some((result) => result.status === 'rejected')) process.exit(1);
  console.log(`Prisma clients ready in ${Date.now() - started} ms`);
}

await main();
