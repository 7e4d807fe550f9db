// Drives Prisma's schema engine (the WebAssembly build) offline: Prisma 7's CLI needs the native
// engine binary to migrate, which no npm package ships. See /work/shared/notes/toolchain.md §1.
// ESM only (the engine's glue is ESM): under Jest, reach it through a worker thread.
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { readMigrationList, schemaPath } from './layout.mjs';

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** Drops every user schema so one scratch database can serve several diffs. */
const RESET_SQL = `DO $$ DECLARE s text; BEGIN
  FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
  CREATE SCHEMA public;
END $$;`;

let instantiated = false;

/** Instantiates the WASM module once per thread (the package's own entry needs a WASM-importing loader). */
function loadEngine() {
  if (!instantiated) {
    const wasm = new URL('./schema_engine_bg.wasm', import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasm)), { './schema_engine_bg.js': engineGlue });
    engineGlue.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    instantiated = true;
  }
  return engineGlue.SchemaEngine;
}

/**
 * An in-memory PGlite used both as the engine's "main" connection (unused by `diff`) and as its
 * shadow database, reset before each use. Opening PGlite costs seconds (initdb), so one serves a
 * whole run instead of the adapter's default of a new instance per shadow connection.
 */
class ScratchDatabase {
  #db;

  /** @returns {import('@prisma/driver-adapter-utils').SqlMigrationAwareDriverAdapterFactory} */
  adapterFactory() {
    const connect = () => this.#connect();
    return { provider: 'postgres', adapterName: 'pglite-scratch', connect, connectToShadowDb: connect };
  }

  async close() {
    if (this.#db) await (await this.#db).close();
  }

  async #open() {
    // pgvector is loaded so migrations may `CREATE EXTENSION vector`, as they may at runtime.
    return PGlite.create({ extensions: { vector } });
  }

  async #connect() {
    this.#db ??= this.#open();
    const db = await this.#db;
    await db.exec(RESET_SQL);
    const adapter = await new PrismaPGlite(db).connect();
    // The adapter's executeScript neither awaits nor reports errors: a failing migration would go
    // unnoticed by the engine and crash the process later as an unhandled rejection.
    adapter.executeScript = async (script) => {
      try {
        await db.exec(script);
      } catch (error) {
        adapter.onError(error);
      }
    };
    return adapter;
  }
}

/**
 * Opens a schema engine over a scratch database. Call `close()` when done, or the process will
 * not exit (PGlite keeps it alive).
 */
export async function openSchemaEngine() {
  const SchemaEngine = loadEngine();
  const scratch = new ScratchDatabase();
  const log = () => {};
  const engine = await SchemaEngine.new({ datamodels: undefined }, log, bindMigrationAwareSqlAdapterFactory(scratch.adapterFactory())).catch(async (error) => {
    await scratch.close();
    throw error;
  });
  return {
    /**
     * The SQL that takes a database migrated with the domain's migrations to its schema.
     * @param {string} domain
     * @returns {Promise<{ changed: boolean, sql: string }>}
     */
    async diffMigrationsToSchema(domain) {
      const file = schemaPath(domain);
      const result = await engine.diff({
        from: { tag: 'migrations', ...readMigrationList(domain) },
        to: { tag: 'schemaDatamodel', files: [{ path: file, content: readFileSync(file, 'utf8') }] },
        script: true,
        exitCode: true,
        filters: NO_FILTERS,
      });
      // Exit code 2 means "there are differences"; 0 means in sync.
      return { changed: result.exitCode === 2, sql: result.stdout ?? '' };
    },
    async close() {
      engine.free();
      await scratch.close();
    },
  };
}
