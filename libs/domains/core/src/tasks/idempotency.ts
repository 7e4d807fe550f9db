import { Injectable } from '@nestjs/common';
import { CoreDb } from '../core-db';
import { isUniqueViolation } from '@agent-squad/database';

const WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * `Idempotency-Key` for work-creating POSTs: the first answer is stored in the same transaction as
 * the work, and a repeat of the key by the same user within 24 h gets that answer back.
 */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly db: CoreDb) {}

  async find<T>(ownerId: string, scope: string, key: string): Promise<T | null> {
    const record = await this.db.idempotencyRecord.findUnique({ where: { ownerId_scope_key: { ownerId, scope, key } } });
    if (!record) return null;
    if (Date.now() - record.createdAt.getTime() < WINDOW_MS) return record.response as T;
    await this.db.idempotencyRecord.deleteMany({ where: { ownerId, scope, key, createdAt: record.createdAt } });
    return null;
  }

  /**
   * Runs `create`, which stores its answer under the key in the same statement as its work (if a
   * key is given). When a concurrent request with the same key won the race, its answer is returned.
   */
  async run<T>(ownerId: string, scope: string, key: string | undefined, create: () => Promise<T>): Promise<T> {
    try {
      return await create();
    } catch (error) {
      const stored = key !== undefined && isUniqueViolation(error) ? await this.find<T>(ownerId, scope, key) : null;
      if (stored === null) throw error;
      return stored;
    }
  }
}
