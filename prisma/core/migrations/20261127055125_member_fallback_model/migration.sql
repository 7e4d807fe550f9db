-- AlterTable
ALTER TABLE "core"."execution_steps" ADD COLUMN     "fallbackModel" TEXT;

-- AlterTable
ALTER TABLE "core"."members" ADD COLUMN     "fallbackModel" TEXT;
