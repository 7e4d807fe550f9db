/**
 * Names for server-side prepared statements, one per distinct SQL text, for one pool's
 * connections. A named statement is parsed once per connection, and PostgreSQL may then reuse its
 * plan: measured on this project's CTE-heavy writes, planning had cost as much server CPU as
 * executing them. At most `max` texts are named (each connection keeps every statement it was
 * given until it is recycled); texts past the bound, e.g. `IN` lists of ever new lengths, run
 * unnamed as before. `max` 0 names none (for PgBouncer in transaction mode without its
 * prepared-statement support).
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  constructor(private readonly max: number) {}

  nameFor(sql: string): string | undefined {
    let name = this.names.get(sql);
    if (name === undefined && this.names.size < this.max) {
      name = `asq_${this.names.size.toString(36)}`;
      this.names.set(sql, name);
    }
    return name;
  }
}
