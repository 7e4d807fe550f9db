-- CreateTable
CREATE TABLE "intelligence"."llm_usage_daily" (
    "day" DATE NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "calls" INTEGER NOT NULL,
    "promptTokens" BIGINT NOT NULL,
    "completionTokens" BIGINT NOT NULL,
    "latencyMsTotal" BIGINT NOT NULL,
    "latencyMsMax" INTEGER NOT NULL,

    CONSTRAINT "llm_usage_daily_pkey" PRIMARY KEY ("day","provider","model")
);

-- CreateIndex
CREATE INDEX "llm_calls_createdAt_idx" ON "intelligence"."llm_calls"("createdAt");
