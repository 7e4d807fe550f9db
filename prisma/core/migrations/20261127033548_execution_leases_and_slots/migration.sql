-- AlterTable
ALTER TABLE "core"."executions" ADD COLUMN     "leaseExpiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "leaseOwner" TEXT,
ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 2;

-- CreateTable
CREATE TABLE "core"."execution_slots" (
    "ownerId" UUID NOT NULL,
    "slot" INTEGER NOT NULL,
    "executionId" UUID NOT NULL,
    "dispatchedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "execution_slots_pkey" PRIMARY KEY ("ownerId","slot")
);

-- CreateIndex
CREATE UNIQUE INDEX "execution_slots_executionId_key" ON "core"."execution_slots"("executionId");

-- CreateIndex
CREATE INDEX "executions_status_leaseExpiresAt_idx" ON "core"."executions"("status", "leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "messages_one_output_per_step" ON "core"."messages"("executionId", "stepIndex") WHERE (kind = 'output');

-- AddForeignKey
ALTER TABLE "core"."execution_slots" ADD CONSTRAINT "execution_slots_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "core"."executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
