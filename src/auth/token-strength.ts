/** A gateway token must carry at least this much entropy (32 bytes). */
export const MIN_TOKEN_ENTROPY_BITS = 256;

/**
 * Tokens that appear in our docs and examples, and the usual placeholders people paste. Compared
 * case-insensitively; a token that merely contains one of these is not refused for that alone.
 */
export const PLACEHOLDER_TOKENS: ReadonlySet<string> = new Set([
  'changeme',
  'change-me',
  'change_me',
  'replace-me',
  'replace_me',
  'your-token',
  'your_token',
  'your-token-here',
  'your-gateway-token',
  'your_gateway_token',
  '<token>',
  '<gateway-token>',
  'token',
  'secret',
  'password',
  'example',
  'placeholder',
  'test-token',
  'dev-token',
  'clawgate',
  'openclaw',
]);

/** At or below this many distinct characters a token is judged by them, not by its alphabet. */
const FEW_DISTINCT_CHARS = 8;

/** Rough entropy of a token from its length and the alphabet its characters come from. */
export function estimateEntropyBits(token: string): number {
  if (token.length === 0) return 0;
  const unique = new Set(token).size;
  let alphabet: number;
  if (/^[0-9a-f]+$/.test(token) || /^[0-9A-F]+$/.test(token)) alphabet = 16;
  else if (/^[A-Za-z0-9_-]+=*$/.test(token) || /^[A-Za-z0-9+/]+=*$/.test(token)) alphabet = 64;
  else alphabet = 94;
  // A long string of few distinct characters ("aaaa…", "abababab…") is not random however long it is.
  const effective = unique <= FEW_DISTINCT_CHARS ? unique : alphabet;
  return Math.floor(token.replace(/=+$/, '').length * Math.log2(effective));
}

/** Why a gateway token must be refused, or undefined when it is acceptable. */
export function tokenWeakness(token: string): string | undefined {
  if (PLACEHOLDER_TOKENS.has(token.trim().toLowerCase())) return 'it is a placeholder copied from documentation or examples';
  const bits = estimateEntropyBits(token);
  if (bits < MIN_TOKEN_ENTROPY_BITS) return `it has about ${bits} bits of entropy, fewer than the ${MIN_TOKEN_ENTROPY_BITS} required (32 random bytes)`;
  return undefined;
}
