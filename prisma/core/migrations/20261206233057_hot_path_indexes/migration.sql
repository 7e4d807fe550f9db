-- DropIndex
DROP INDEX "core"."executions_ownerId_status_idx";

-- DropIndex
DROP INDEX "core"."executions_status_createdAt_idx";

-- DropIndex
DROP INDEX "core"."executions_status_leaseExpiresAt_idx";

-- CreateIndex
CREATE INDEX "executions_queued_by_owner" ON "core"."executions"("ownerId", "createdAt", "id") WHERE (status = 'queued');

-- CreateIndex
CREATE INDEX "executions_running_by_lease" ON "core"."executions"("leaseExpiresAt") WHERE (status = 'running');

-- CreateIndex
CREATE INDEX "executions_ended_by_age" ON "core"."executions"("createdAt") WHERE (status = ANY (ARRAY['completed'::text, 'failed'::text, 'cancelled'::text]));

-- Room on each page for the new versions of rows updated while an execution runs (its counters at
-- each step, the steps' status, the task's status): an update that stays on its page and changes no
-- indexed column adds no index entry (a HOT update). Prisma's schema has no word for this setting.
ALTER TABLE "core"."executions" SET (fillfactor = 70);
ALTER TABLE "core"."execution_steps" SET (fillfactor = 70);
ALTER TABLE "core"."tasks" SET (fillfactor = 70);
