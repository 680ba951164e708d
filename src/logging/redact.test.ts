import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { Secret } from '../auth/secret.js';
import { REDACTED, isSecretKey, scrubText, scrubValue, secretList } from './redact.js';

const deviceToken = () => randomBytes(32).toString('base64url'); // 43 chars, the device token shape
const hex64 = () => randomBytes(32).toString('hex');

test('every secret field name is redacted, whatever its spelling and nesting', () => {
  const names = ['token', 'deviceToken', 'password', 'apiKey', 'api_key', 'x-api-key', 'botToken', 'authorization', 'Authorization', 'proxy-authorization', 'secret', 'clientSecret', 'accessToken', 'refresh_token', 'cookie', 'set-cookie', 'privateKey', 'passphrase', 'credentials', 'gatewayToken', 'signature'];
  for (const name of names) {
    assert.ok(isSecretKey(name), name);
    const value = { a: { b: [{ [name]: 'short-but-secret' }] } };
    const out = scrubValue(value);
    assert.equal(out.a.b[0]![name], REDACTED, name);
    assert.ok(!JSON.stringify(out).includes('short-but-secret'), name);
  }
  // A whole object under a secret name goes, not just its strings.
  assert.deepEqual(scrubValue({ auth: { token: { value: 'x', nested: 1 } } }), { auth: { token: REDACTED } });
  // Flags and fingerprints keep their names' meaning.
  assert.deepEqual(scrubValue({ hasToken: true, tokenSource: 'config', tokenFingerprint: 'sha256:0123456789ab', maxTokens: 12 }), { hasToken: true, tokenSource: 'config', tokenFingerprint: 'sha256:0123456789ab', maxTokens: 12 });
});

test('token-shaped strings are redacted in nested values, arrays, keys and message text', () => {
  const t = deviceToken();
  const h = hex64();
  const long = randomBytes(48).toString('base64url');
  const entry = {
    msg: `client sent ${t} and ${h}; url /x?q=${long}`,
    nested: { deep: [{ note: `prefix:${t}:suffix` }, [t]] },
    [t]: 'token as a key',
  };
  const json = JSON.stringify(scrubValue(entry));
  for (const s of [t, h, long]) assert.ok(!json.includes(s), 'a token-shaped run survived');
  assert.match(json, /client sent \[redacted\] and \[redacted\]/);
  assert.match(json, /prefix:\[redacted\]:suffix/);
  // 32 characters is the threshold.
  assert.equal(scrubText('a'.repeat(16) + '0'.repeat(15)), 'a'.repeat(16) + '0'.repeat(15));
  assert.equal(scrubText('A1'.repeat(16)), REDACTED);
});

test('public ids keep their shape where they are ids; the same shape in text is redacted', () => {
  const deviceId = createHash('sha256').update('pub').digest('hex');
  const requestId = randomUUID();
  const out = scrubValue({ deviceId, requestId, connId: randomUUID(), msg: `device ${deviceId}`, other: requestId, reason: 'device-signature-stale-and-some-more-words' });
  assert.equal(out.deviceId, deviceId);
  assert.equal(out.requestId, requestId);
  assert.equal(out.other, requestId, 'a UUID is never a token');
  assert.equal(out.msg, `device ${REDACTED}`);
  assert.equal(out.reason, 'device-signature-stale-and-some-more-words', 'kebab words are not token-shaped');
});

test('the current secret values are redacted wherever they appear, even when short', () => {
  const gatewayToken = 'hunter2-gw';
  const secrets = secretList([gatewayToken, undefined, '', 'hunter2-gw']);
  assert.deepEqual(secrets, ['hunter2-gw']);
  const out = JSON.stringify(scrubValue({ msg: `got hunter2-gw twice: hunter2-gw`, info: { note: 'x hunter2-gw y' }, deviceId: gatewayToken }, secrets));
  assert.ok(!out.includes(gatewayToken));
  assert.equal(out.split(REDACTED).length - 1, 4);
});

test('Bearer headers and key=value assignments in text are redacted', () => {
  assert.equal(scrubText('Authorization: Bearer abc.def'), 'Authorization: Bearer [redacted]');
  assert.equal(scrubText('GET /?token=abc123&x=1 password=pw1 api_key=k'), 'GET /?token=[redacted]&x=1 password=[redacted] api_key=[redacted]');
  assert.equal(scrubText('the device token was rotated'), 'the device token was rotated');
});

test('a Secret logged by mistake serializes redacted', () => {
  const s = new Secret(deviceToken());
  const json = JSON.stringify(scrubValue(JSON.parse(JSON.stringify({ value: s }))));
  assert.ok(!json.includes(s.reveal()));
});

test('very deep values are cut, not walked forever', () => {
  let v: unknown = 'leaf';
  for (let i = 0; i < 100; i++) v = { v };
  assert.match(JSON.stringify(scrubValue(v)), /too deep/);
});
