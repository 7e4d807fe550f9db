/** A domain's migrations compared with its schema; `sql` is what a new migration would contain. */
export interface DomainCheck {
  domain: string;
  inSync: boolean;
  sql: string;
}

/** Replays each domain's migrations on a scratch database and diffs the result with its schema. */
export function checkMigrations(domains?: string[]): Promise<DomainCheck[]>;
