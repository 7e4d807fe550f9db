import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Cache, CacheKeys } from '@agent-squad/cache';
import {
  AppError,
  AuthApi,
  ErrorCode,
  type ApiKeySummary,
  type CreatedApiKey,
  type ListQuery,
  type LoginInput,
  type Owned,
  type Page,
  type Principal,
  type SignupInput,
  type User,
} from '@agent-squad/contracts';
import { CoreDb } from '../core-db';
import { CachedWrites } from '../shared/cached-writes';
import { idCursor } from '../shared/cursor';
import { toApiKeySummary, toUser } from '../shared/mappers';
import { toPage } from '../shared/pagination';
import { isUniqueViolation } from '@agent-squad/database';
import { generateApiKey, hashApiKey } from './api-key';
import { hashPassword, verifyPassword } from './password-hasher';

const BAD_CREDENTIALS = new AppError(ErrorCode.Unauthorized, 'Email or password is wrong');

@Injectable()
export class AuthService implements AuthApi {
  /** Verified against when the email is unknown, so a miss costs the same time as a hit. */
  private decoyHash?: Promise<string>;

  constructor(
    private readonly db: CoreDb,
    private readonly cache: Cache,
    private readonly writes: CachedWrites,
  ) {}

  async signup(input: SignupInput): Promise<User> {
    const passwordHash = await hashPassword(input.password);
    try {
      return toUser(await this.db.user.create({ data: { email: input.email, name: input.name, passwordHash } }));
    } catch (error) {
      if (isUniqueViolation(error)) throw AppError.conflict('An account with this email already exists');
      throw error;
    }
  }

  async verifyCredentials(input: LoginInput): Promise<User> {
    const user = await this.db.user.findUnique({ where: { email: input.email } });
    this.decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const matches = await verifyPassword(input.password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !matches) throw BAD_CREDENTIALS;
    return toUser(user);
  }

  async getUser({ userId }: { userId: string }): Promise<User> {
    return this.cache.getOrLoad(CacheKeys.user(userId), async () => {
      const user = await this.db.user.findUnique({ where: { id: userId } });
      if (!user) throw new AppError(ErrorCode.Unauthorized, 'The account no longer exists');
      return toUser(user);
    });
  }

  /** On every API-key request: cached, and invalidated everywhere when the key is revoked. Unknown keys are not cached. */
  async authenticateApiKey({ key }: { key: string }): Promise<Principal> {
    const keyHash = hashApiKey(key);
    return this.cache.getOrLoad(CacheKeys.apiKey(keyHash), async () => {
      const apiKey = await this.db.apiKey.findUnique({ where: { keyHash }, select: { userId: true } });
      if (!apiKey) throw new AppError(ErrorCode.Unauthorized, 'The API key is not valid');
      return { userId: apiKey.userId };
    });
  }

  async createApiKey({ ownerId, name }: Owned & { name: string }): Promise<CreatedApiKey> {
    const { key, hash, prefix } = generateApiKey();
    const row = await this.db.apiKey.create({ data: { userId: ownerId, name, keyHash: hash, prefix } });
    return { id: row.id, name: row.name, key };
  }

  async listApiKeys({ ownerId, limit, cursor }: Owned & ListQuery): Promise<Page<ApiKeySummary>> {
    const after = idCursor(cursor);
    const rows = await this.db.apiKey.findMany({
      where: { userId: ownerId, ...(after ? { id: { lt: after } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    return toPage(rows, limit, (row) => row.id, toApiKeySummary);
  }

  /** The key stops working at once on every replica: its cached principal is invalidated before this answers. */
  async revokeApiKey({ ownerId, keyId }: Owned & { keyId: string }): Promise<null> {
    const apiKey = await this.db.apiKey.findFirst({ where: { id: keyId, userId: ownerId }, select: { keyHash: true } });
    if (!apiKey) throw AppError.notFound('API key');
    await this.writes.commit([CacheKeys.apiKey(apiKey.keyHash)], async (tx) => {
      const { count } = await tx.apiKey.deleteMany({ where: { id: keyId, userId: ownerId } });
      if (count === 0) throw AppError.notFound('API key');
    });
    return null;
  }
}
