import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of randomness in a device token and a generated gateway token. */
export const TOKEN_BYTES = 32;

/** A fresh bearer token: 32 random bytes, base64url without padding (43 chars). */
export function mintToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** SHA-256 of a token, hex; the only form a token is stored in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time string compare; lengths are hashed first so they leak nothing either. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/** Constant-time check of a presented token against a stored hex hash. */
export function tokenMatchesHash(token: string, storedHashHex: string): boolean {
  const presented = createHash('sha256').update(token, 'utf8').digest();
  const stored = Buffer.from(storedHashHex, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
