import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildV2Payload, buildV3Payload } from './device-signature.js';
import { VECTOR_FIELDS } from '../../test/helpers/signature-vector.js';

// protocol-v3.md §4.5 test vector (the signatures over these strings are checked in pairing/device-key.test.ts).
const fields = VECTOR_FIELDS;

test('test vector: v2 payload string', () => {
  assert.equal(buildV2Payload(fields), `v2|${fields.deviceId}|cli|cli|operator|operator.admin,operator.pairing|1767225600000|secret|nonce-123`);
});

test('test vector: v3 with platform linux and no deviceFamily ends in a bare separator', () => {
  const payload = buildV3Payload({ ...fields, platform: ' Linux ' });
  assert.equal(payload, `v3|${fields.deviceId}|cli|cli|operator|operator.admin,operator.pairing|1767225600000|secret|nonce-123|linux|`);
});

test('v3 lowercases platform and deviceFamily in ASCII only and trims them', () => {
  const payload = buildV3Payload({ ...fields, platform: ' MacOS ', deviceFamily: 'İPhone' });
  assert.ok(payload.endsWith('|nonce-123|macos|İphone'));
});
