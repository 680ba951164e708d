import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { resolveGatewayToken } from './gateway-token.js';
import { Secret } from './secret.js';
import { constantTimeEqual, hashToken, mintToken, tokenMatchesHash } from './tokens.js';

test('resolver precedence: flag, then env, then config; blanks are skipped', () => {
  const env = { CLAWGATE_GATEWAY_TOKEN: 'from-env' };
  assert.equal(resolveGatewayToken({ flag: 'f', env, config: 'c' }).source, 'flag');
  assert.equal(resolveGatewayToken({ flag: ' ', env, config: 'c' }).source, 'env');
  assert.equal(resolveGatewayToken({ env: {}, config: 'c' }).source, 'config');
  assert.equal(resolveGatewayToken({ env: { CLAWGATE_GATEWAY_TOKEN: '' } }).source, 'none');
  assert.equal(resolveGatewayToken({ env, config: 'c' }).secret?.reveal(), 'from-env');
});

test('a Secret never prints its value', () => {
  const s = new Secret('canary-value-123456');
  assert.equal(String(s), '[redacted]');
  assert.equal(JSON.stringify({ s }), '{"s":"[redacted]"}');
  assert.ok(!inspect(s).includes('canary'));
  assert.match(s.fingerprint, /^sha256:[0-9a-f]{12}$/);
});

test('tokens are 43-char base64url, stored as hashes, compared in constant time', () => {
  const t = mintToken();
  assert.match(t, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(mintToken(), t);
  assert.ok(tokenMatchesHash(t, hashToken(t)));
  assert.ok(!tokenMatchesHash(t + 'x', hashToken(t)));
  assert.ok(!tokenMatchesHash(t, 'not-hex'));
  assert.ok(constantTimeEqual('a', 'a'));
  assert.ok(!constantTimeEqual('a', 'ab'));
});

test('a redacted placeholder offered as the gateway token is refused by name, from any source, with where the real one lives', () => {
  const cases = [
    { inputs: { flag: '[redacted]' }, source: 'flag', names: /--token/ },
    { inputs: { env: { CLAWGATE_GATEWAY_TOKEN: '[redacted 43 chars]' } }, source: 'env', names: /CLAWGATE_GATEWAY_TOKEN/ },
    { inputs: { config: '[redacted 43 chars]' }, source: 'config', names: /gateway\.auth\.token.*clawgate gateway token rotate/ },
  ] as const;
  for (const c of cases) {
    assert.throws(
      () => resolveGatewayToken(c.inputs),
      (err: unknown) => err instanceof ClawgateError && err.code === 'SECRET_IS_PLACEHOLDER' && err.details['source'] === c.source && c.names.test(err.message) && /redacted placeholder/.test(err.message),
      c.source,
    );
  }
});
