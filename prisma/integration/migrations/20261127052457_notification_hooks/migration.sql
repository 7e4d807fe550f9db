-- CreateTable
CREATE TABLE "integration"."notification_hooks" (
    "id" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_hooks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."notification_deliveries" (
    "id" UUID NOT NULL,
    "hookId" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMPTZ(3),

    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notification_hooks_ownerId_idx" ON "integration"."notification_hooks"("ownerId");

-- CreateIndex
CREATE INDEX "notification_deliveries_status_createdAt_idx" ON "integration"."notification_deliveries"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "notification_deliveries_hookId_eventId_key" ON "integration"."notification_deliveries"("hookId", "eventId");

-- AddForeignKey
ALTER TABLE "integration"."notification_deliveries" ADD CONSTRAINT "notification_deliveries_hookId_fkey" FOREIGN KEY ("hookId") REFERENCES "integration"."notification_hooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
