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

