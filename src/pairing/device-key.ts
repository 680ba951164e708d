import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { buildV2Payload, buildV3Payload, type SignatureFields } from '../protocol/device-signature.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Encode bytes as base64url without padding. */
export function base64UrlEncode(buf: Uint8Array): string {
  return Buffer.from(buf).toString('base64url');
}

/** Decode base64 or base64url, with or without padding; undefined when it is neither. */
export function base64Decode(text: string): Buffer | undefined {
  const cleaned = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(cleaned)) return undefined;
  return Buffer.from(cleaned.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** Normalise a public key given as PEM or base64(url) of the raw key or SPKI to raw 32 bytes. */
export function rawPublicKey(publicKey: string): Buffer | undefined {
  try {
    if (publicKey.includes('BEGIN')) {
      const der = createPublicKey(publicKey).export({ format: 'der', type: 'spki' });
      return spkiToRaw(der);
    }
    const bytes = base64Decode(publicKey);
    if (!bytes) return undefined;
    if (bytes.length === 32) return bytes;
    return spkiToRaw(bytes);
  } catch {
    return undefined;
  }
}

function spkiToRaw(der: Buffer): Buffer | undefined {
  if (der.length !== ED25519_SPKI_PREFIX.length + 32) return undefined;
  if (!der.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX)) return undefined;
  return der.subarray(ED25519_SPKI_PREFIX.length);
}

/** The wire form of a public key: raw 32 bytes, base64url, no padding. */
export function publicKeyToWire(raw: Uint8Array): string {
  return base64UrlEncode(raw);
}

/** deviceId = lowercase hex SHA-256 of the raw 32-byte public key. */
export function deviceIdFromRawKey(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** Parsed keys of recently seen devices: parsing costs about as much as verifying. */
const KEY_CACHE_MAX = 4096;
const keyCache = new Map<string, KeyObject>();

/** A KeyObject for a raw Ed25519 public key (cached, bounded). */
export function publicKeyObject(raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw).toString('base64');
  let key = keyCache.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(id, key);
  }
  return key;
}

/** Verify a detached Ed25519 signature (base64url or base64) over the UTF-8 payload. */
export function verifyPayload(raw: Uint8Array, payload: string, signature: string): boolean {
  const sig = base64Decode(signature);
  if (!sig || sig.length !== 64) return false;
  try {
    return cryptoVerify(null, Buffer.from(payload, 'utf8'), publicKeyObject(raw), sig);
  } catch {
    return false;
  }
}

/** Which payload version a signature verified against; v3 is tried first, then v2. */
export function verifyDeviceSignature(raw: Uint8Array, fields: SignatureFields, signature: string): 'v3' | 'v2' | undefined {
  if (verifyPayload(raw, buildV3Payload(fields), signature)) return 'v3';
  if (verifyPayload(raw, buildV2Payload(fields), signature)) return 'v2';
  return undefined;
}
