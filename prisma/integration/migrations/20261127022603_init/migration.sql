-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "integration";

-- CreateTable
CREATE TABLE "integration"."integrations" (
    "id" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "squadId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "integrations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "integrations_ownerId_idx" ON "integration"."integrations"("ownerId");

-- CreateIndex
CREATE UNIQUE INDEX "integrations_kind_target_key" ON "integration"."integrations"("kind", "target");
