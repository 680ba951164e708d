import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Secret } from '../auth/secret.js';
import { AuthRateLimiter } from '../auth/rate-limit.js';
import { effectiveGateway } from '../config/schema.js';
import { LOCAL_OWNER } from '../pairing/actor.js';
import { revokeToken } from '../pairing/operations.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { REAL_GATEWAY_TOKEN_HINT } from '../protocol/redaction.js';
import type { Store } from '../store/store.js';
import { connectParams, makeDevice, type ConnectSpec, type TestDevice } from '../../test/helpers/raw-client.js';
import { tempStore } from '../../test/helpers/temp-store.js';
import type { GatewayContext } from './context.js';
import { performHandshake, type HandshakeResult } from './handshake.js';

// performHandshake on its own: the connect params, the socket's address and headers, and a gateway context
// reduced to what the handshake reads (store, config, gateway token, failed-auth limiter, log, port). Every
// refusal is checked for its code, message, details and close; every pass for the whole session.

const PORT = 18789;
const TOKEN = 'the-gateway-token-0123456789abcdefghijklmnopq';
const NONCE = 'nonce-0123';
const NOW = 1_800_000_000_000;
const LOCAL = { remoteAddress: '127.0.0.1', headers: { host: `127.0.0.1:${PORT}` } };
const REMOTE = { remoteAddress: '10.0.0.7', headers: { host: 'gateway.example:18789' } };
const PROXIED = { remoteAddress: '127.0.0.1', headers: { host: `127.0.0.1:${PORT}`, 'x-forwarded-for': '198.51.100.7' } };

interface Peer {
  remoteAddress: string | undefined;
  headers: Record<string, string>;
}

interface Gateway {
  gw: GatewayContext;
  store: Store;
  limiter: AuthRateLimiter;
  warnings: { obj: Record<string, unknown>; msg: string }[];
}

function gateway(t: TestContext, over: { authMode?: 'token' | 'none'; token?: string | undefined; allowedOrigins?: string[]; autoApproveRemoteWithToken?: boolean; limiter?: AuthRateLimiter } = {}): Gateway {
  const store = tempStore(t);
  const limiter = over.limiter ?? new AuthRateLimiter();
  const warnings: Gateway['warnings'] = [];
  const config = {
    ...effectiveGateway({}),
    port: PORT,
    authMode: over.authMode ?? 'token',
    allowedOrigins: over.allowedOrigins ?? [],
    autoApproveRemoteWithToken: over.autoApproveRemoteWithToken ?? false,
  };
  const token = 'token' in over ? over.token : TOKEN;
  const gw = {
    store,
    config,
    gatewayToken: { secret: token === undefined ? undefined : new Secret(token), source: token === undefined ? 'none' : 'config' },
    authLimiter: limiter,
    log: { warn: (obj: Record<string, unknown>, msg: string) => void warnings.push({ obj, msg }) },
    port: () => PORT,
  } as unknown as GatewayContext;
  return { gw, store, limiter, warnings };
}

function req(peer: Peer): IncomingMessage {
  return { headers: peer.headers, socket: { remoteAddress: peer.remoteAddress } } as unknown as IncomingMessage;
}

/** Connect params as a v3 client builds them (signed by spec.device over NONCE at NOW, unless overridden). */
function params(spec: ConnectSpec = {}): Record<string, unknown> {
  return connectParams({ clientId: 'cli', clientMode: 'cli', signedAt: NOW, ...spec }, NONCE);
}

function handshake(g: Gateway, raw: unknown, peer: Peer = LOCAL, nowMs = NOW): HandshakeResult {
  return performHandshake(g.gw, raw, { req: req(peer), nonce: NONCE, nowMs });
}

/** The refusal performHandshake throws. */
function refused(fn: () => unknown): ClawgateError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ClawgateError, `expected a ClawgateError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a refusal');
}

/** A refusal with its code, exact message, details and a policy close (1008) with `closeReason`. */
function assertRefusal(err: ClawgateError, code: string, message: string | RegExp, details: Record<string, unknown>, closeReason: string | undefined = typeof message === 'string' ? message : undefined): void {
  assert.equal(err.code, code, err.message);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
  assert.deepEqual(err.details, details);
  if (closeReason !== undefined) assert.deepEqual(err.close, { code: 1008, reason: closeReason });
}

/** Pair `device` on loopback with the gateway token (auto-approved); returns its token, not yet confirmed. */
function pair(g: Gateway, device: TestDevice, scopes = ['operator.read']): string {
  const r = handshake(g, params({ device, scopes, auth: { token: TOKEN } }));
  assert.ok(r.auth, 'a token was minted');
  return r.auth.deviceToken;
}

/** Paired and confirmed (presented back once). */
function confirmed(g: Gateway, device: TestDevice, scopes = ['operator.read']): string {
  const token = pair(g, device, scopes);
  assert.equal(handshake(g, params({ device, scopes, auth: { deviceToken: token } })).session.authMethod, 'device-token');
  return token;
}

// ---- Protocol and params ----

test('a client outside protocol 3 learns both sides: one version or a range, close 1002', (t) => {
  const g = gateway(t);
  for (const [min, max, speaks] of [[4, 4, '4'], [1, 2, '1-2']] as const) {
    const err = refused(() => handshake(g, params({ minProtocol: min, maxProtocol: max })));
    assert.equal(err.code, 'PROTOCOL_MISMATCH');
    assert.equal(err.message, `protocol mismatch: this gateway speaks protocol 3, the client speaks ${speaks}; use a client that supports protocol 3 (clawgate's CLI, or OpenClaw 2026.2.x)`);
    assert.deepEqual(err.details, { expectedProtocol: 3, clientMinProtocol: min, clientMaxProtocol: max });
    assert.deepEqual(err.close, { code: 1002, reason: 'protocol mismatch' });
  }
  // A range that includes 3 is fine, whatever else it spans.
  assert.equal(handshake(g, params({ minProtocol: 2, maxProtocol: 4, auth: { token: TOKEN } })).session.protocol, 3);
});

test('params that are not an object, or a protocol range that is not two integers, are a schema error, not a version mismatch', (t) => {
  const g = gateway(t);
  for (const raw of [undefined, null, 'connect', 42]) {
    assertRefusal(refused(() => handshake(g, raw)), 'INVALID_CONNECT_PARAMS', /^invalid connect params: /, {});
  }
  for (const [min, max] of [[4, 'x'], ['x', 4], [4.5, 4]]) {
    const err = refused(() => handshake(g, { ...params(), minProtocol: min, maxProtocol: max }));
    assert.equal(err.code, 'INVALID_CONNECT_PARAMS', `${min}-${max}`);
  }
});

test('invalid params are refused with the schema errors as message and close reason', (t) => {
  const g = gateway(t);
  const err = refused(() => handshake(g, { ...params(), extra: 1, role: 5 }));
  assert.equal(err.code, 'INVALID_CONNECT_PARAMS');
  assert.match(err.message, /^invalid connect params: \S.*; \S/, 'every error, "; "-separated');
  assert.deepEqual(err.details, {});
  assert.deepEqual(err.close, { code: 1008, reason: err.message });
});

test('an unknown role is refused naming it', (t) => {
  const g = gateway(t);
  assertRefusal(refused(() => handshake(g, params({ role: 'root', auth: { token: TOKEN } }))), 'INVALID_ROLE', 'invalid role', { role: 'root' });
});

// ---- Device-less connects ----

test('device-less with the gateway token on loopback: the whole session, with the scopes asked for and no role given', (t) => {
  const g = gateway(t);
  const raw = params({ scopes: ['operator.read', 'operator.write'], auth: { token: TOKEN } });
  delete raw['role'];
  (raw['client'] as Record<string, unknown>)['displayName'] = 'Ada laptop';
  (raw['client'] as Record<string, unknown>)['deviceFamily'] = 'desktop';
  (raw['client'] as Record<string, unknown>)['instanceId'] = 'inst-1';
  const r = handshake(g, raw);
  assert.equal(r.auth, undefined);
  const { connId, ...rest } = r.session;
  assert.match(connId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.deepEqual(rest, {
    protocol: 3,
    role: 'operator',
    clientId: 'cli',
    clientMode: 'cli',
    clientVersion: 'test',
    platform: 'linux',
    deviceFamily: 'desktop',
    displayName: 'Ada laptop',
    instanceId: 'inst-1',
    locality: 'loopback-direct',
    remoteIp: '127.0.0.1',
    connectedAtMs: NOW,
    scopes: ['operator.read', 'operator.write'],
    deviceId: undefined,
    authMethod: 'gateway-token',
  });
  assert.notEqual(handshake(g, raw).session.connId, connId, 'a fresh id per connection');
  assert.equal(g.store.devices.count(), 0, 'nothing is paired');
});

test('device-less with no scopes asked gets none', (t) => {
  const g = gateway(t);
  const raw = params({ auth: { token: TOKEN } });
  delete raw['scopes'];
  assert.deepEqual(handshake(g, raw).session.scopes, []);
});

test('device-less with the gateway token off-host (or through a proxy) gets no scopes', (t) => {
  const g = gateway(t);
  for (const peer of [REMOTE, PROXIED]) {
    const s = handshake(g, params({ scopes: ['operator.admin'], auth: { token: TOKEN } }), peer).session;
    assert.deepEqual([s.scopes, s.authMethod, s.deviceId], [[], 'gateway-token', undefined]);
  }
});

test('device-less without a token, with an empty one, or with auth.token equal to auth.deviceToken: device identity required', (t) => {
  const g = gateway(t);
  for (const auth of [undefined, { token: '' }, { token: 'same', deviceToken: 'same' }, { deviceToken: 'dev' }]) {
    const err = refused(() => handshake(g, params({ auth }), REMOTE));
    assertRefusal(err, 'DEVICE_IDENTITY_REQUIRED', 'device identity required: connect with a device key, or with the gateway token on this host', {}, 'device identity required');
  }
  assert.equal(g.limiter.retryAfterMs('10.0.0.7', 'shared-secret', NOW), 0, 'none of these counted as a failed gateway token');
});

test('device-less with a wrong gateway token: the hint fits the client mode', (t) => {
  const g = gateway(t);
  for (const [mode, hint] of [
    ['cli', 'set gateway.remote.token to match gateway.auth.token'],
    ['ui', 'open the dashboard URL and paste the token in Control UI settings'],
    ['webchat', 'open the dashboard URL and paste the token in Control UI settings'],
    ['node', 'provide gateway auth token'],
  ]) {
    const err = refused(() => handshake(g, params({ clientMode: mode, auth: { token: 'wrong' } })));
    assertRefusal(err, 'AUTH_TOKEN_MISMATCH', `unauthorized: gateway token mismatch (${hint})`, { authReason: 'token_mismatch' });
  }
});

test('a gateway with no token refuses every presented token as a mismatch', (t) => {
  const g = gateway(t, { token: undefined });
  assert.equal(refused(() => handshake(g, params({ auth: { token: TOKEN } }))).code, 'AUTH_TOKEN_MISMATCH');
});

test('auth mode none: loopback-direct is the owner (auth method "none"); off-host a token proves nothing and is no mismatch', (t) => {
  const g = gateway(t, { authMode: 'none', token: undefined });
  const s = handshake(g, params({ scopes: ['operator.read'] })).session;
  assert.deepEqual([s.authMethod, s.scopes], ['none', ['operator.read']]);
  const err = refused(() => handshake(g, params({ auth: { token: 'anything' } }), REMOTE));
  assert.equal(err.code, 'DEVICE_IDENTITY_REQUIRED');
});

// ---- Origins and placeholders ----

test('a page from an origin not allowed is refused; its origin is quoted (80 chars) and recorded (200 chars)', (t) => {
  const g = gateway(t);
  const origin = `https://${'a'.repeat(300)}.example`;
  const err = refused(() => handshake(g, params({ auth: { token: TOKEN } }), { ...LOCAL, headers: { ...LOCAL.headers, origin } }));
  assertRefusal(err, 'ORIGIN_NOT_ALLOWED', `origin not allowed (${origin.slice(0, 80)}): add it to gateway.allowedOrigins to let this page connect`, { origin: origin.slice(0, 200) }, 'origin not allowed');
});

test('an allowed origin connects as a browser page: an allowlisted one, or the gateway\'s own loopback origin', (t) => {
  const g = gateway(t, { allowedOrigins: ['https://dash.example'] });
  for (const origin of ['https://dash.example', `http://127.0.0.1:${PORT}`]) {
    const r = handshake(g, params({ auth: { token: TOKEN } }), { ...LOCAL, headers: { ...LOCAL.headers, origin } });
    assert.equal(r.session.authMethod, 'gateway-token', origin);
  }
  assert.equal(refused(() => handshake(g, params({ auth: { token: TOKEN } }), { ...LOCAL, headers: { ...LOCAL.headers, origin: `http://127.0.0.1:${PORT + 1}` } })).code, 'ORIGIN_NOT_ALLOWED');
});

test('a browser page (it sends Origin) never becomes a node: refused, with no pending request', (t) => {
  const g = gateway(t);
  const headers = { ...LOCAL.headers, origin: `http://127.0.0.1:${PORT}` };
  const err = refused(() => handshake(g, params({ device: makeDevice(), role: 'node', auth: { token: TOKEN } }), { ...LOCAL, headers }));
  assert.equal(err.code, 'PAIRING_REFUSED');
  assert.equal(g.store.pending.count(NOW), 0);
  // The same connect without Origin is a local client: auto-approved.
  assert.ok(handshake(g, params({ device: makeDevice(), role: 'node', auth: { token: TOKEN } })).auth);
});

test('a redacted placeholder is named as such: the gateway token first, then a device token', (t) => {
  const g = gateway(t);
  const gatewayMessage = `unauthorized: the gateway token this client sent is a redacted placeholder ("[redacted ...]" is what clawgate prints in place of a secret), not the token; ${REAL_GATEWAY_TOKEN_HINT}`;
  for (const auth of [{ token: '[redacted 43 chars]' }, { token: '[redacted]', deviceToken: '[redacted]' }]) {
    assertRefusal(refused(() => handshake(g, params({ auth }))), 'SECRET_IS_PLACEHOLDER', gatewayMessage, { authReason: 'redacted_placeholder', credential: 'gateway' });
  }
  assertRefusal(
    refused(() => handshake(g, params({ device: makeDevice(), auth: { deviceToken: 'sk-[redacted]' } }))),
    'SECRET_IS_PLACEHOLDER',
    `unauthorized: the device token this client sent is a redacted placeholder ("[redacted ...]" is what clawgate prints in place of a secret), not the token; device tokens are never printed: the client's own token cache holds it; connect with the gateway token to get a fresh one`,
    { authReason: 'redacted_placeholder', credential: 'device' },
  );
});

// ---- Failed-auth limits ----

test('wrong gateway tokens lock out the address: remote by its address, proxied by the proxy, loopback-direct never', (t) => {
  const g = gateway(t);
  const wrong = (peer: Peer) => refused(() => handshake(g, params({ auth: { token: 'wrong' } }), peer)).code;
  for (let i = 0; i < 10; i++) assert.equal(wrong(REMOTE), 'AUTH_TOKEN_MISMATCH');
  assert.deepEqual(g.warnings, [{ obj: { code: 'AUTH_RATE_LIMITED', remote: '10.0.0.7', scope: 'shared-secret' }, msg: 'too many failed authentication attempts: address locked out' }]);
  assert.equal(wrong(REMOTE), 'AUTH_RATE_LIMITED');
  assert.equal(refused(() => handshake(g, params({ auth: { token: TOKEN } }), REMOTE)).code, 'AUTH_RATE_LIMITED', 'even the right token, until the lockout ends');
  assert.equal(refused(() => handshake(g, params({ auth: { token: 'wrong' } }), { ...REMOTE, remoteAddress: '10.0.0.8' })).code, 'AUTH_TOKEN_MISMATCH', 'another address is not locked');

  for (let i = 0; i < 10; i++) assert.equal(wrong(PROXIED), 'AUTH_TOKEN_MISMATCH');
  assert.equal(g.warnings.at(-1)?.obj['remote'], 'proxy:127.0.0.1', "a proxy's clients share its bucket");
  assert.equal(wrong(PROXIED), 'AUTH_RATE_LIMITED');

  for (let i = 0; i < 12; i++) assert.equal(wrong(LOCAL), 'AUTH_TOKEN_MISMATCH', 'loopback-direct is exempt');
  assert.equal(g.warnings.length, 2);
});

test('a peer with no address shares the "unknown" bucket', (t) => {
  const g = gateway(t);
  const peer = { remoteAddress: undefined, headers: {} };
  for (let i = 0; i < 10; i++) refused(() => handshake(g, params({ auth: { token: 'wrong' } }), peer));
  assert.equal(g.warnings.at(-1)?.obj['remote'], 'unknown');
  assert.ok(g.limiter.retryAfterMs('unknown', 'shared-secret', NOW) > 0);
});

test('a locked-out address is told when to retry, in whole seconds rounded up; the close reason says "retry later"', (t) => {
  const g = gateway(t, { limiter: new AuthRateLimiter(1, 60_000, 90_500) });
  refused(() => handshake(g, params({ auth: { token: 'wrong' } }), REMOTE));
  const err = refused(() => handshake(g, params({ auth: { token: TOKEN } }), REMOTE, NOW));
  assertRefusal(err, 'AUTH_RATE_LIMITED', 'unauthorized: too many failed authentication attempts (retry in 91 s)', { retryAfterMs: 90_500, scope: 'shared-secret' }, 'unauthorized: too many failed authentication attempts (retry later)');
  assert.equal(handshake(g, params({ auth: { token: TOKEN } }), REMOTE, NOW + 90_500).session.authMethod, 'gateway-token', 'the lockout ends');
});

test('a device-token lockout bars a device-less connect sending a device token too', (t) => {
  const g = gateway(t, { limiter: new AuthRateLimiter(1, 60_000, 60_000) });
  const device = makeDevice();
  confirmed(g, device);
  refused(() => handshake(g, params({ device, scopes: ['operator.read'], auth: { deviceToken: 'never-issued' } }), REMOTE));
  const err = refused(() => handshake(g, params({ auth: { deviceToken: 'never-issued' } }), REMOTE));
  assertRefusal(err, 'AUTH_RATE_LIMITED', 'unauthorized: too many failed authentication attempts (retry in 60 s)', { retryAfterMs: 60_000, scope: 'device-token' }, 'unauthorized: too many failed authentication attempts (retry later)');
});

test('a device-token lockout bars presented device tokens only: a paired device sending none is still told its token is missing', (t) => {
  const g = gateway(t, { limiter: new AuthRateLimiter(1, 60_000, 60_000) });
  const device = makeDevice();
  confirmed(g, device);
  refused(() => handshake(g, params({ device, scopes: ['operator.read'], auth: { deviceToken: 'never-issued' } }), REMOTE));
  assert.ok(g.limiter.retryAfterMs('10.0.0.7', 'device-token', NOW) > 0, 'locked');
  assert.equal(refused(() => handshake(g, params({ device, scopes: ['operator.read'] }), REMOTE)).code, 'AUTH_TOKEN_MISSING');
});

test('a refused pairing (a browser page asking for node) is no failed authentication: it never locks the address out', (t) => {
  const g = gateway(t, { limiter: new AuthRateLimiter(1, 60_000, 60_000), allowedOrigins: ['https://dash.example'] });
  const page = { ...REMOTE, headers: { ...REMOTE.headers, origin: 'https://dash.example' } };
  for (let i = 0; i < 3; i++) assert.equal(refused(() => handshake(g, params({ device: makeDevice(), role: 'node' }), page)).code, 'PAIRING_REFUSED');
  assert.equal(g.limiter.retryAfterMs('10.0.0.7', 'device-token', NOW), 0);
  assert.equal(g.limiter.retryAfterMs('10.0.0.7', 'shared-secret', NOW), 0);
  assert.deepEqual(g.warnings, []);
});

test('a shared-secret lockout does not bar a connect that sends no gateway token', (t) => {
  const g = gateway(t, { limiter: new AuthRateLimiter(1, 60_000, 60_000) });
  refused(() => handshake(g, params({ auth: { token: 'wrong' } }), REMOTE));
  assert.equal(refused(() => handshake(g, params({ device: makeDevice() }), REMOTE)).code, 'PAIRING_REQUIRED');
});

test('wrong and missing device tokens count against the device-token limit, not the shared secret; a lockout then bars device tokens only', (t) => {
  const g = gateway(t, { limiter: new AuthRateLimiter(2, 60_000, 60_000) });
  const device = makeDevice();
  confirmed(g, device);
  const code = (auth?: ConnectSpec['auth']) => {
    try {
      return handshake(g, params({ device, scopes: ['operator.read'], auth }), REMOTE).session.authMethod;
    } catch (err) {
      return (err as ClawgateError).code;
    }
  };
  assert.equal(code({ deviceToken: 'never-issued' }), 'AUTH_DEVICE_TOKEN_MISMATCH');
  assert.equal(g.limiter.retryAfterMs('10.0.0.7', 'device-token', NOW), 0);
  assert.equal(code(), 'AUTH_TOKEN_MISSING');
  assert.deepEqual(g.warnings.map((w) => w.obj), [{ code: 'AUTH_RATE_LIMITED', remote: '10.0.0.7', scope: 'device-token' }]);
  assert.equal(g.limiter.retryAfterMs('10.0.0.7', 'shared-secret', NOW), 0);

  const err = refused(() => handshake(g, params({ device, scopes: ['operator.read'], auth: { deviceToken: 'never-issued' } }), REMOTE));
  assertRefusal(err, 'AUTH_RATE_LIMITED', 'unauthorized: too many failed authentication attempts (retry in 60 s)', { retryAfterMs: 60_000, scope: 'device-token' }, 'unauthorized: too many failed authentication attempts (retry later)');
  // An older client's device token in auth.token is barred too: pairing refuses it, the handshake names the wait.
  const legacy = refused(() => handshake(g, params({ device, scopes: ['operator.read'], auth: { token: 'never-issued-either' } }), REMOTE));
  assert.equal(legacy.code, 'AUTH_TOKEN_MISMATCH', 'a token that is no device token of this device is a wrong gateway token');
  assert.equal(code({ token: TOKEN }), 'gateway-token', 'the gateway token still works');
});

test('an older client sending its device token in auth.token, locked out for device tokens, is told when to retry', (t) => {
  const g = gateway(t, { limiter: new AuthRateLimiter(1, 60_000, 60_000) });
  const device = makeDevice();
  const token = confirmed(g, device);
  refused(() => handshake(g, params({ device, scopes: ['operator.read'], auth: { deviceToken: 'never-issued' } }), REMOTE));
  const err = refused(() => handshake(g, params({ device, scopes: ['operator.read'], auth: { token } }), REMOTE));
  assertRefusal(err, 'AUTH_RATE_LIMITED', 'unauthorized: too many failed authentication attempts (retry in 60 s)', { retryAfterMs: 60_000, scope: 'device-token' }, 'unauthorized: too many failed authentication attempts (retry later)');
});

test('a wrong gateway token next to a device token is a gateway token mismatch, counted as one', (t) => {
  const g = gateway(t, { limiter: new AuthRateLimiter(1, 60_000, 60_000) });
  const device = makeDevice();
  const token = confirmed(g, device);
  const err = refused(() => handshake(g, params({ device, scopes: ['operator.read'], clientMode: 'ui', auth: { token: 'wrong', deviceToken: token } }), REMOTE));
  assertRefusal(err, 'AUTH_TOKEN_MISMATCH', 'unauthorized: gateway token mismatch (open the dashboard URL and paste the token in Control UI settings)', { authReason: 'token_mismatch' });
  assert.ok(g.limiter.retryAfterMs('10.0.0.7', 'shared-secret', NOW) > 0);
});

// ---- Device signatures ----

test('a signature within the allowed clock skew (2 minutes either way) is accepted; beyond it the refusal says by how much and which way', (t) => {
  const g = gateway(t);
  for (const skew of [120_000, -120_000]) {
    assert.ok(handshake(g, params({ device: makeDevice(), signedAt: NOW + skew, auth: { token: TOKEN } })).auth, `skew ${skew}`);
  }
  const ahead = refused(() => handshake(g, params({ device: makeDevice(), signedAt: NOW + 120_001 })));
  assertRefusal(
    ahead,
    'DEVICE_CLOCK_SKEW',
    "device signature expired: the device clock is 120 s ahead of the gateway's (skew 120001 ms, allowed ±120000 ms); set the device's clock right (e.g. timedatectl set-ntp true) and retry",
    { reason: 'device-signature-stale', skewMs: 120_001, allowedSkewMs: 120_000 },
    'device signature expired (clock skew +120 s)',
  );
  const behind = refused(() => handshake(g, params({ device: makeDevice(), signedAt: NOW - 300_600 })));
  assertRefusal(
    behind,
    'DEVICE_CLOCK_SKEW',
    "device signature expired: the device clock is 301 s behind the gateway's (skew -300600 ms, allowed ±120000 ms); set the device's clock right (e.g. timedatectl set-ntp true) and retry",
    { reason: 'device-signature-stale', skewMs: -300_600, allowedSkewMs: 120_000 },
    'device signature expired (clock skew -301 s)',
  );
});

test('device auth failures name their reason: public key, id, nonce missing or wrong, signature', (t) => {
  const g = gateway(t);
  const device = makeDevice();
  const cases: [string, ConnectSpec, string, string][] = [
    ['bad key', { tamper: (p: any) => (p.device.publicKey = 'AAAA') }, 'device-public-key', 'device public key invalid'],
    ['id of another key', { tamper: (p: any) => (p.device.id = makeDevice().deviceId) }, 'device-id-mismatch', 'device identity mismatch'],
    ['no nonce', { tamper: (p: any) => delete p.device.nonce }, 'device-nonce-missing', 'device nonce required'],
    ['empty nonce', { nonce: '' }, 'device-nonce-missing', 'device nonce required'],
    ['other nonce', { nonce: 'other' }, 'device-nonce-mismatch', 'device nonce mismatch'],
    ['scopes changed after signing', { tamper: (p: any) => (p.scopes = ['operator.admin']) }, 'device-signature', 'device signature invalid'],
  ];
  for (const [name, spec, reason, message] of cases) {
    const err = refused(() => handshake(g, params({ device, ...spec })));
    assert.equal(err.details['reason'], reason, name);
    assertRefusal(err, 'DEVICE_AUTH_INVALID', message, { reason }, message);
  }
  assert.equal(g.store.pending.count(NOW), 0, 'none of them reached pairing');
});

test('the signature covers the token the client sent, from either slot, or the empty string', (t) => {
  const g = gateway(t);
  const device = makeDevice();
  const token = pair(g, device);
  // Signed over the device token, sent as auth.deviceToken: passes.
  assert.equal(handshake(g, params({ device, scopes: ['operator.read'], auth: { deviceToken: token } })).session.authMethod, 'device-token');
  // Signed over no token at all: passes (the record covers it; the token is confirmed, so it is refused for a missing token, not for its signature).
  assert.equal(refused(() => handshake(g, params({ device, scopes: ['operator.read'] }), REMOTE)).code, 'AUTH_TOKEN_MISSING');
});

// ---- Device connects: sessions, tokens, pairing ----

test('a device paired on loopback with the gateway token: the session and the token handed over', (t) => {
  const g = gateway(t);
  const device = makeDevice();
  const r = handshake(g, params({ device, scopes: ['operator.read'], auth: { token: TOKEN } }));
  assert.deepEqual(Object.keys(r.auth ?? {}).sort(), ['deviceToken', 'issuedAtMs', 'role', 'scopes']);
  assert.deepEqual([r.auth?.role, r.auth?.scopes, r.auth?.issuedAtMs], ['operator', ['operator.read'], NOW]);
  const { connId: _c, ...session } = r.session;
  assert.deepEqual(session, {
    protocol: 3,
    role: 'operator',
    clientId: 'cli',
    clientMode: 'cli',
    clientVersion: 'test',
    platform: 'linux',
    deviceFamily: undefined,
    displayName: undefined,
    instanceId: undefined,
    locality: 'loopback-direct',
    remoteIp: '127.0.0.1',
    connectedAtMs: NOW,
    scopes: ['operator.read'],
    deviceId: device.deviceId,
    authMethod: 'gateway-token',
  });
  assert.equal(g.store.devices.get(device.deviceId)?.remoteIp, undefined, 'a loopback-direct device records no address');
  // Presenting the token back: a session without a new token.
  const back = handshake(g, params({ device, scopes: ['operator.read'], auth: { deviceToken: r.auth!.deviceToken } }), REMOTE);
  assert.deepEqual([back.auth, back.session.authMethod, back.session.deviceId, back.session.locality], [undefined, 'device-token', device.deviceId, 'remote']);
  assert.equal(g.store.devices.get(device.deviceId)?.remoteIp, '10.0.0.7');
});

test('an empty auth.deviceToken is no device token', (t) => {
  const g = gateway(t);
  const device = makeDevice();
  confirmed(g, device);
  assert.equal(refused(() => handshake(g, params({ device, scopes: ['operator.read'], auth: { deviceToken: '' } }), REMOTE)).code, 'AUTH_TOKEN_MISSING');
});

test('a new device off-host waits: its request records the client, its address and its proof; the refusal names the command', (t) => {
  const g = gateway(t);
  const device = makeDevice();
  // A v2 signature does not cover the device family, so it can be set after signing.
  const raw = params({ device, scopes: ['operator.read'], signature: 'v2' });
  (raw['client'] as Record<string, unknown>)['displayName'] = 'Ada laptop';
  (raw['client'] as Record<string, unknown>)['deviceFamily'] = 'desktop';
  const err = refused(() => handshake(g, raw, REMOTE));
  const request = g.store.pending.forDevice(device.deviceId, NOW)!;
  const short = request.requestId.slice(0, 8);
  assertRefusal(
    err,
    'PAIRING_REQUIRED',
    `pairing required (request ${request.requestId}, not-paired): on the gateway host run clawgate devices approve ${short}`,
    { requestId: request.requestId, reason: 'not-paired', deviceId: device.deviceId },
    `pairing required: run clawgate devices approve ${short}`,
  );
  assert.deepEqual(
    [request.publicKey, request.displayName, request.platform, request.deviceFamily, request.clientId, request.clientMode, request.remoteIp, request.role, request.scopes],
    [device.publicKey, 'Ada laptop', 'linux', 'desktop', 'cli', 'cli', '10.0.0.7', 'operator', ['operator.read']],
  );
  const requested = g.store.audit.ofKind('pairing.requested');
  assert.deepEqual(requested.map((e) => e.detail), [{ scopes: ['operator.read'], locality: 'remote' }]);
});

test('a proxied device with the gateway token waits, recorded with the peer address; opted in, it is approved', (t) => {
  const g = gateway(t);
  const device = makeDevice();
  assert.equal(refused(() => handshake(g, params({ device, auth: { token: TOKEN } }), PROXIED)).code, 'PAIRING_REQUIRED');
  assert.equal(g.store.pending.forDevice(device.deviceId, NOW)?.remoteIp, '127.0.0.1');
  const optedIn = gateway(t, { autoApproveRemoteWithToken: true });
  const r = handshake(optedIn, params({ device, auth: { token: TOKEN } }), REMOTE);
  assert.equal(r.session.authMethod, 'gateway-token');
  assert.ok(r.auth);
});

test('a revoked token waits with its own code; the close keeps the approve command', (t) => {
  const g = gateway(t);
  const device = makeDevice();
  const token = confirmed(g, device);
  revokeToken(g.store, { deviceId: device.deviceId, role: 'operator' }, LOCAL_OWNER, NOW);
  const err = refused(() => handshake(g, params({ device, scopes: ['operator.read'], auth: { deviceToken: token } }), REMOTE, NOW + 1));
  assert.equal(err.code, 'DEVICE_TOKEN_REVOKED');
  const requestId = g.store.pending.forDevice(device.deviceId, NOW + 1)!.requestId;
  assert.deepEqual(err.details, { requestId, reason: 'token-revoked', deviceId: device.deviceId, role: 'operator', retiredAtMs: NOW, retiredWhy: 'revoked' });
  assert.deepEqual(err.close, { code: 1008, reason: `device token revoked; pairing required: run clawgate devices approve ${requestId.slice(0, 8)}` });
});

test('auth mode none: a device token may come in auth.token or auth.deviceToken; loopback-direct is proof enough to pair', (t) => {
  const g = gateway(t, { authMode: 'none', token: undefined });
  const device = makeDevice();
  const r = handshake(g, params({ device, scopes: ['operator.read'] }));
  assert.ok(r.auth, 'auto-approved as the owner, its token handed over');
  const token = r.auth.deviceToken;
  for (const auth of [{ token }, { deviceToken: token }]) {
    assert.equal(handshake(g, params({ device, scopes: ['operator.read'], auth }), REMOTE).session.authMethod, 'device-token', JSON.stringify(Object.keys(auth)));
  }
  assert.equal(refused(() => handshake(g, params({ device, scopes: ['operator.read'], auth: { token: 'never-issued' } }), REMOTE)).code, 'AUTH_DEVICE_TOKEN_MISMATCH', 'under mode none auth.token is a device token');
});
