import type { SqlExecutor } from '../migrations/sql-session';

export interface TableInfo {
  name: string;
  /** Columns a restore writes (generated ones are computed again). */
  columns: string[];
}

/** The migration runner's bookkeeping: a restore target gets it by migrating, not from a backup. */
const MIGRATIONS_TABLE = '_migrations';

/**
 * The schema's tables and their columns, every table after the tables its foreign keys reference,
 * so that rows restored in this order always find their parents. Read from the catalog, so a table
 * added by a migration is backed up without anyone listing it.
 */
export async function schemaTables(sql: SqlExecutor, schema: string): Promise<TableInfo[]> {
  const columns = await sql.query<{ table: string; column: string }>(
    `SELECT c.table_name::text AS "table", c.column_name::text AS "column"
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE' AND c.table_name <> $2 AND c.is_generated = 'NEVER'
      ORDER BY c.table_name, c.ordinal_position`,
    [schema, MIGRATIONS_TABLE],
  );
  const references = await sql.query<{ child: string; parent: string }>(
    `SELECT child.relname::text AS child, parent.relname::text AS parent
       FROM pg_constraint fk
       JOIN pg_class child ON child.oid = fk.conrelid
       JOIN pg_class parent ON parent.oid = fk.confrelid
       JOIN pg_namespace ns ON ns.oid = child.relnamespace
      WHERE fk.contype = 'f' AND ns.nspname = $1 AND parent.relnamespace = child.relnamespace AND parent.oid <> child.oid`,
    [schema],
  );
  const byTable = new Map<string, string[]>();
  for (const { table, column } of columns) byTable.set(table, [...(byTable.get(table) ?? []), column]);
  return parentsFirst([...byTable.keys()], references).map((name) => ({ name, columns: byTable.get(name)! }));
}

/** Topological order, alphabetical among tables that are ready at the same time (stable backups). */
function parentsFirst(tables: string[], references: { child: string; parent: string }[]): string[] {
  const ordered: string[] = [];
  let remaining = [...tables].sort();
  while (remaining.length > 0) {
    const ready = remaining.filter((table) => references.every(({ child, parent }) => child !== table || !remaining.includes(parent)));
    if (ready.length === 0) throw new Error(`Foreign keys form a cycle among ${remaining.join(', ')}: no restore order exists`);
    ordered.push(...ready);
    remaining = remaining.filter((table) => !ready.includes(table));
  }
  return ordered;
}
