import { isRead } from './database-metrics';

describe('isRead (the read/write split of db_query_duration_seconds)', () => {
  it.each([
    ['SELECT "id" FROM "core"."users" WHERE "id" = $1', true],
    ['  select 1', true],
    ['WITH recent AS (SELECT id FROM core.tasks) SELECT * FROM recent', true],
    ['SELECT id FROM core.execution_slots FOR UPDATE SKIP LOCKED', false],
    ['SELECT id FROM core.executions FOR NO KEY UPDATE', false],
    ['WITH stale AS (SELECT id FROM s) UPDATE core.execution_slots SET x = 1', false],
    ['INSERT INTO "core"."users" ("id") VALUES ($1)', false],
    ['UPDATE "core"."squads" SET "name" = $1', false],
    ['DELETE FROM core.executions', false],
    ['BEGIN', false],
  ])('%s → %s', (sql, read) => {
    expect(isRead(sql)).toBe(read);
  });
});
