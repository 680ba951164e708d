import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { deviceIdFromRawKey, publicKeyToWire, rawPublicKey } from '../pairing/device-key.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** This host's device identity (Ed25519), as in identity/device.json. */
export interface DeviceIdentity {
  readonly deviceId: string;
  /** Raw public key, base64url (wire form). */
  readonly publicKey: string;
  readonly privateKey: KeyObject;
  readonly createdAtMs: number;
}

interface IdentityFile {
  version: 1;
  deviceId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  createdAtMs: number;
}

function fromPems(publicKeyPem: string, privateKeyPem: string, createdAtMs: number): DeviceIdentity {
  const raw = rawPublicKey(publicKeyPem);
  if (!raw) throw new Error('public key is not Ed25519');
  const privateKey = createPrivateKey(privateKeyPem);
  const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  if (!rawPublicKey(derived)?.equals(raw)) throw new Error('private and public keys do not match');
  return { deviceId: deviceIdFromRawKey(raw), publicKey: publicKeyToWire(raw), privateKey, createdAtMs };
}

/**
 * Load identity/device.json, or create it (0600) on first use. A file that cannot be read is an error
 * (never silently replaced: the device's pairing hangs on this key). A stale deviceId is rewritten.
 */
export function loadOrCreateIdentity(path: string): DeviceIdentity {
  if (existsSync(path)) {
    let file: IdentityFile;
    let identity: DeviceIdentity;
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as IdentityFile;
      identity = fromPems(file.publicKeyPem, file.privateKeyPem, file.createdAtMs ?? Date.now());
    } catch (err) {
      throw new ClawgateError('STATE_DIR_INVALID', `device identity ${path} is unreadable (${(err as Error).message}); move it aside to create a new identity, which must then be paired again`, { path });
    }
    if (file.deviceId !== identity.deviceId) writeIdentity(path, { ...file, deviceId: identity.deviceId });
    return identity;
  }
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const file: IdentityFile = {
    version: 1,
    deviceId: '',
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    createdAtMs: Date.now(),
  };
  const identity = fromPems(file.publicKeyPem, file.privateKeyPem, file.createdAtMs);
  writeIdentity(path, { ...file, deviceId: identity.deviceId });
  return identity;
}

function writeIdentity(path: string, file: IdentityFile): void {
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
}

/** Sign a payload string; base64url without padding. */
export function signPayload(identity: DeviceIdentity, payload: string): string {
  return sign(null, Buffer.from(payload, 'utf8'), identity.privateKey).toString('base64url');
}
