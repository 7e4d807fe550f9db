import { Injectable } from '@nestjs/common';
import { IntelligenceDb } from '../intelligence-db';

/**
 * Whether this database stores embeddings: the `embedding` column exists only where pgvector is
 * installed (the migration adds it then). Asked once per process.
 */
@Injectable()
export class VectorSupport {
  private answer?: Promise<boolean>;

  constructor(private readonly db: IntelligenceDb) {}

  available(): Promise<boolean> {
    this.answer ??= this.db
      .$queryRaw<{ present: boolean }[]>`
        SELECT EXISTS (
          SELECT 1 FROM information_schema.columns
          WHERE table_schema = 'intelligence' AND table_name = 'document_chunks' AND column_name = 'embedding'
        ) AS present`
      .then(([row]) => row?.present === true)
      .catch((error: unknown) => {
        this.answer = undefined;
        throw error;
      });
    return this.answer;
  }
}
