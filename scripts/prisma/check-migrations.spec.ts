import { checkMigrations } from './check-migrations.mjs';

// The runner applies prisma/<domain>/migrations; this proves they build exactly each schema.prisma
// (the same check as `npm run db:check`; replays on an in-memory PGlite, a few seconds).
describe('migrations', () => {
  it('produce every domain schema (no drift)', async () => {
    const checks = await checkMigrations();
    expect(checks.map((check) => check.domain)).toEqual(['billing', 'core', 'integration', 'intelligence']);
    expect(checks.filter((check) => !check.inSync)).toEqual([]);
  }, 60_000);
});
