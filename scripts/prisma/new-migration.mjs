#!/usr/bin/env node
// `npm run db:migration -- <domain> <name>`: writes the migration that takes the domain's existing
// migrations to its current schema.prisma, or prints "no changes" and writes nothing.
import { relative } from 'node:path';
import { listDomains, migrationsDir, readMigrationList, REPO_ROOT, writeMigration } from './lib/layout.mjs';
import { openSchemaEngine } from './lib/schema-engine.mjs';

/**
 * The engine emits `CREATE SCHEMA` only when the schema is new; the first migration must create it
 * or replaying the history (shadow database, fresh servers) fails on the first table.
 * @param {string} domain
 * @param {string} sql
 */
function withSchema(domain, sql) {
  const statement = `CREATE SCHEMA IF NOT EXISTS "${domain}";`;
  const isFirst = readMigrationList(domain).migrationDirectories.length === 0;
  return isFirst && !sql.includes(statement) ? `-- CreateSchema\n${statement}\n\n${sql}` : sql;
}

/** @returns {Promise<string | undefined>} the new migration's folder, or undefined when in sync */
async function newMigration(domain, name) {
  const engine = await openSchemaEngine();
  try {
    const { changed, sql } = await engine.diffMigrationsToSchema(domain);
    return changed ? writeMigration(domain, name, withSchema(domain, sql)) : undefined;
  } finally {
    await engine.close();
  }
}

async function main() {
  const [domain, name] = process.argv.slice(2);
  const domains = listDomains();
  if (!domains.includes(domain ?? '') || !/^[a-z0-9_]+$/.test(name ?? '')) {
    console.error(`usage: npm run db:migration -- <${domains.join('|')}> <name in snake_case>`);
    process.exit(64);
  }
  const folder = await newMigration(domain, name);
  if (folder) console.log(`wrote ${relative(REPO_ROOT, folder)}/migration.sql: review it, then commit it with the schema`);
  else console.log(`no changes: ${relative(REPO_ROOT, migrationsDir(domain))} already produces prisma/${domain}/schema.prisma`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
