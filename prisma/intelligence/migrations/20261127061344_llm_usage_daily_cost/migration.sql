-- AlterTable
ALTER TABLE "intelligence"."llm_usage_daily" ADD COLUMN     "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0;
