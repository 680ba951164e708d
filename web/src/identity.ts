import { base64UrlEncode, hex } from './base64url.js';
import { idbGet, idbPut } from './idb.js';

/** This browser's device: a non-extractable Ed25519 private key and the derived wire values. */
export interface BrowserIdentity {
  /** Lowercase hex SHA-256 of the raw 32-byte public key, exactly as src/pairing/device-key.ts derives it. */
  deviceId: string;
  /** Raw public key, base64url without padding. */
  publicKey: string;
  privateKey: CryptoKey;
}

interface StoredIdentity {
  version: 1;
  privateKey: CryptoKey;
  publicKeyRaw: Uint8Array;
  createdAtMs: number;
}

const IDENTITY_KEY = 'identity';

async function describe(privateKey: CryptoKey, raw: Uint8Array): Promise<BrowserIdentity> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw as BufferSource));
  return { deviceId: hex(digest), publicKey: base64UrlEncode(raw), privateKey };
}

/** Load this browser's identity from IndexedDB, or make one (the private key never leaves WebCrypto). */
export async function loadOrCreateIdentity(): Promise<BrowserIdentity> {
  const stored = await idbGet<StoredIdentity>(IDENTITY_KEY);
  if (stored?.version === 1) return describe(stored.privateKey, stored.publicKeyRaw);
  if (!crypto.subtle) throw new Error('this page is not a secure context, so WebCrypto is missing: open it as http://127.0.0.1:<port>/ or over https');
  let pair: CryptoKeyPair;
  try {
    pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  } catch (err) {
    throw new Error(`this browser has no Ed25519 in WebCrypto (${(err as Error).message}); use a current Chromium, Firefox or Safari`);
  }
  // A public key is always exportable, even when the pair was made non-extractable.
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  await idbPut(IDENTITY_KEY, { version: 1, privateKey: pair.privateKey, publicKeyRaw: raw, createdAtMs: Date.now() } satisfies StoredIdentity);
  return describe(pair.privateKey, raw);
}

/** Sign a payload string (pure Ed25519 over its UTF-8 bytes); base64url signature. */
export async function signPayload(identity: BrowserIdentity, payload: string): Promise<string> {
  const sig = await crypto.subtle.sign({ name: 'Ed25519' }, identity.privateKey, new TextEncoder().encode(payload));
  return base64UrlEncode(new Uint8Array(sig));
}

/** The device token the gateway minted for this browser (a credential of this browser only). */
export interface StoredDeviceToken {
  token: string;
  role: string;
  scopes: string[];
}

const TOKEN_KEY = 'device-token';

/** The cached device token, if the gateway minted one. */
export function loadDeviceToken(): Promise<StoredDeviceToken | undefined> {
  return idbGet<StoredDeviceToken>(TOKEN_KEY);
}

/** Keep a minted device token (written from hello-ok only, before the connection is used). */
export function saveDeviceToken(token: StoredDeviceToken): Promise<void> {
  return idbPut(TOKEN_KEY, token);
}
