import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { buildV2Payload, buildV3Payload } from '../protocol/device-signature.js';
import { deviceIdFromRawKey, publicKeyToWire, rawPublicKey, verifyDeviceSignature } from './device-key.js';
import { VECTOR_FIELDS } from '../../test/helpers/signature-vector.js';

// protocol-v3.md §4.5: seed bytes 01..20
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const seed = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1));
const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
const publicPem = (await import('node:crypto')).createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string;

const fields = VECTOR_FIELDS;

test('test vector: raw public key and deviceId', () => {
  const raw = rawPublicKey(publicPem)!;
  assert.equal(publicKeyToWire(raw), 'ebVWLo_mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ');
  assert.equal(deviceIdFromRawKey(raw), fields.deviceId);
});

test('test vector: v2 signature', () => {
  const payload = buildV2Payload(fields);
  const sig = sign(null, Buffer.from(payload), privateKey).toString('base64url');
  assert.equal(sig, 'lCGA3bsZchzOiLeksrTWgefuTY1gVXnBpSKeh3cLgjY3JIPZ1Z4wqEns_1SUCy2EFyzg3xKWYgmdX444xngGAg');
  assert.equal(verifyDeviceSignature(rawPublicKey(publicPem)!, fields, sig), 'v2');
});

test('test vector: v3 signature with platform linux and no deviceFamily', () => {
  const v3 = { ...fields, platform: ' Linux ' };
  const payload = buildV3Payload(v3);
  const sig = sign(null, Buffer.from(payload), privateKey).toString('base64url');
  assert.equal(sig, 'wOLs1AfSELlWcwHIYveAJ_xfXS8oh4fnlQ9vUP7kZdgCneVRYDnWb-fzgSMGNULKzUdEXcl665_STU_UzEcTAw');
  assert.equal(verifyDeviceSignature(rawPublicKey(publicPem)!, v3, sig), 'v3');
});

test('public keys are accepted as PEM, raw base64url, padded base64 and SPKI base64', () => {
  const raw = rawPublicKey(publicPem)!;
  assert.deepEqual(rawPublicKey('ebVWLo_mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ'), raw);
  assert.deepEqual(rawPublicKey(raw.toString('base64')), raw);
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]).toString('base64');
  assert.deepEqual(rawPublicKey(spki), raw);
  assert.equal(rawPublicKey('not a key!'), undefined);
  assert.equal(rawPublicKey('AAAA'), undefined);
});

test('a tampered field or signature does not verify', () => {
  const raw = rawPublicKey(publicPem)!;
  const sig = sign(null, Buffer.from(buildV2Payload(fields)), privateKey).toString('base64url');
  assert.equal(verifyDeviceSignature(raw, { ...fields, scopes: ['operator.admin'] }, sig), undefined);
  assert.equal(verifyDeviceSignature(raw, { ...fields, nonce: 'other' }, sig), undefined);
  assert.equal(verifyDeviceSignature(raw, fields, sig.slice(0, -2) + 'AA'), undefined);
  assert.equal(verifyDeviceSignature(raw, fields, 'short'), undefined);
});
