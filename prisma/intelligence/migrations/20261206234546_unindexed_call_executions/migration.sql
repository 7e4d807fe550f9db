-- DropIndex
DROP INDEX "intelligence"."llm_calls_executionId_idx";
