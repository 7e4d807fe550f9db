import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'asq_';

/** A new key: 256 random bits. Only its SHA-256 is stored (a fast hash suffices for random keys). */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, API_KEY_PREFIX.length + 6) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
