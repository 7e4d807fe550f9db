-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "intelligence";

-- CreateTable
CREATE TABLE "intelligence"."llm_calls" (
    "id" UUID NOT NULL,
    "executionId" UUID,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "offline" BOOLEAN NOT NULL,
    "promptTokens" INTEGER NOT NULL,
    "completionTokens" INTEGER NOT NULL,
    "latencyMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "llm_calls_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "llm_calls_executionId_idx" ON "intelligence"."llm_calls"("executionId");
