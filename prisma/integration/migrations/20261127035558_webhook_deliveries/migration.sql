-- CreateTable
CREATE TABLE "integration"."webhook_deliveries" (
    "id" UUID NOT NULL,
    "integrationId" UUID NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'received',
    "taskId" UUID,
    "error" TEXT,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_receivedAt_idx" ON "integration"."webhook_deliveries"("status", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_integrationId_deliveryId_key" ON "integration"."webhook_deliveries"("integrationId", "deliveryId");

-- AddForeignKey
ALTER TABLE "integration"."webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "integration"."integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
