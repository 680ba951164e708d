import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of randomness in a device token and a generated gateway token. */
export const TOKEN_BYTES = 32;

/** A fresh bearer token: 32 random bytes, base64url without padding (43 chars). */
export function mintToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** SHA-256 of the UTF-8 bytes of a string. */
function sha256(text: string): Buffer {
  const hash = createHash('sha256');
  // Stryker disable next-line StringLiteral: equivalent, Node hashes a string as UTF-8 for an empty encoding too (docs/testing.md)
  hash.update(text, 'utf8');
  return hash.digest();
}

/** SHA-256 of a token, hex; the only form a token is stored in. */
export function hashToken(token: string): string {
  return sha256(token).toString('hex');
}

/** Constant-time string compare; lengths are hashed first so they leak nothing either. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** Constant-time check of a presented token against a stored hex hash. */
export function tokenMatchesHash(token: string, storedHashHex: string): boolean {
  const presented = sha256(token);
  const stored = Buffer.from(storedHashHex, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
