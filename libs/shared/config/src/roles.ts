/**
 * What a process hosts. Apps name their defaults; `ROLES` overrides them, so any split of the
 * platform over processes is configuration, not code.
 */
export const ROLES = ['gateway', 'core', 'worker', 'intelligence', 'integration', 'billing'] as const;
export type Role = (typeof ROLES)[number];

/** Domains own data and answer RPC; `gateway` and `worker` are process duties built on them. */
export const DOMAINS = ['core', 'intelligence', 'integration', 'billing'] as const;
export type Domain = (typeof DOMAINS)[number];

export function parseRoles(value: string): Role[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(ROLES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`ROLES: unknown role(s) ${unknown.join(', ')}; known: ${ROLES.join(', ')}`);
  if (names.length === 0) throw new Error('ROLES: at least one role is required');
  return [...new Set(names)] as Role[];
}
