-- AlterTable
ALTER TABLE "intelligence"."llm_calls" ADD COLUMN     "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "intelligence"."documents" (
    "id" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "squadId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "source" TEXT,
    "content" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'processing',
    "error" TEXT,
    "chunkCount" INTEGER NOT NULL DEFAULT 0,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "documents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "intelligence"."document_chunks" (
    "id" UUID NOT NULL,
    "documentId" UUID NOT NULL,
    "squadId" UUID NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "tsv" tsvector NOT NULL,

    CONSTRAINT "document_chunks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "documents_ownerId_squadId_createdAt_idx" ON "intelligence"."documents"("ownerId", "squadId", "createdAt");

-- CreateIndex
CREATE INDEX "documents_ownerId_idempotencyKey_idx" ON "intelligence"."documents"("ownerId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "document_chunks_squadId_idx" ON "intelligence"."document_chunks"("squadId");

-- CreateIndex
CREATE INDEX "document_chunks_tsv_idx" ON "intelligence"."document_chunks" USING GIN ("tsv");

-- CreateIndex
CREATE UNIQUE INDEX "document_chunks_documentId_ordinal_key" ON "intelligence"."document_chunks"("documentId", "ordinal");

-- AddForeignKey
ALTER TABLE "intelligence"."document_chunks" ADD CONSTRAINT "document_chunks_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "intelligence"."documents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Embeddings need pgvector (PGlite ships it; on PostgreSQL it is the `vector` extension, when
-- installed). Without it the column is left out and retrieval is full-text only.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    CREATE EXTENSION IF NOT EXISTS vector;
    ALTER TABLE "intelligence"."document_chunks" ADD COLUMN "embedding" vector;
  END IF;
END
$$;
