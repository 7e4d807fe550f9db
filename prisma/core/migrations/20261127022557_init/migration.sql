-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "core";

-- CreateTable
CREATE TABLE "core"."users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "plan" TEXT NOT NULL DEFAULT 'free',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."api_keys" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."squads" (
    "id" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "squads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."members" (
    "id" UUID NOT NULL,
    "squadId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "systemPrompt" TEXT,
    "model" TEXT NOT NULL,
    "tools" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "members_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."tasks" (
    "id" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "squadId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "latestExecutionId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."executions" (
    "id" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "squadId" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "result" TEXT,
    "error" TEXT,
    "llmCalls" INTEGER NOT NULL DEFAULT 0,
    "promptTokens" INTEGER NOT NULL DEFAULT 0,
    "completionTokens" INTEGER NOT NULL DEFAULT 0,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "eventSeq" INTEGER NOT NULL DEFAULT 0,
    "messageSeq" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."execution_steps" (
    "executionId" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "memberId" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "agentName" TEXT NOT NULL,
    "systemPrompt" TEXT,
    "model" TEXT NOT NULL,
    "tools" TEXT[],
    "status" TEXT NOT NULL DEFAULT 'pending',
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "execution_steps_pkey" PRIMARY KEY ("executionId","index")
);

-- CreateTable
CREATE TABLE "core"."messages" (
    "id" UUID NOT NULL,
    "executionId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "stepIndex" INTEGER NOT NULL,
    "memberId" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "citations" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."execution_events" (
    "executionId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "execution_events_pkey" PRIMARY KEY ("executionId","seq")
);

-- CreateTable
CREATE TABLE "core"."idempotency_records" (
    "ownerId" UUID NOT NULL,
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("ownerId","scope","key")
);

-- CreateTable
CREATE TABLE "core"."outbox_events" (
    "id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedUntil" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "core"."users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_keyHash_key" ON "core"."api_keys"("keyHash");

-- CreateIndex
CREATE INDEX "api_keys_userId_id_idx" ON "core"."api_keys"("userId", "id");

-- CreateIndex
CREATE INDEX "squads_ownerId_id_idx" ON "core"."squads"("ownerId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "members_squadId_position_key" ON "core"."members"("squadId", "position");

-- CreateIndex
CREATE INDEX "tasks_squadId_id_idx" ON "core"."tasks"("squadId", "id");

-- CreateIndex
CREATE INDEX "executions_status_createdAt_idx" ON "core"."executions"("status", "createdAt");

-- CreateIndex
CREATE INDEX "executions_ownerId_status_idx" ON "core"."executions"("ownerId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "messages_executionId_seq_key" ON "core"."messages"("executionId", "seq");

-- CreateIndex
CREATE INDEX "idempotency_records_createdAt_idx" ON "core"."idempotency_records"("createdAt");

-- CreateIndex
CREATE INDEX "outbox_events_createdAt_idx" ON "core"."outbox_events"("createdAt");

-- AddForeignKey
ALTER TABLE "core"."api_keys" ADD CONSTRAINT "api_keys_userId_fkey" FOREIGN KEY ("userId") REFERENCES "core"."users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."members" ADD CONSTRAINT "members_squadId_fkey" FOREIGN KEY ("squadId") REFERENCES "core"."squads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."tasks" ADD CONSTRAINT "tasks_squadId_fkey" FOREIGN KEY ("squadId") REFERENCES "core"."squads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."executions" ADD CONSTRAINT "executions_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "core"."tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."execution_steps" ADD CONSTRAINT "execution_steps_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "core"."executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."messages" ADD CONSTRAINT "messages_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "core"."executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."execution_events" ADD CONSTRAINT "execution_events_executionId_fkey" FOREIGN KEY ("executionId") REFERENCES "core"."executions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
