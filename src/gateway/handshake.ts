import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { connectParams, type ConnectParams, type HelloAuth } from '../protocol/connect-params.js';
import { CLOSE_CODES } from '../protocol/events.js';
import { PROTOCOL_VERSION, SIGNATURE_SKEW_MS } from '../protocol/limits.js';
import { isRole } from '../protocol/scopes.js';
import { constantTimeEqual } from '../auth/tokens.js';
import { authorizeDevice, type DeviceConnect, type DeviceDecision } from '../pairing/authorize-device.js';
import { deviceIdFromRawKey, publicKeyToWire, rawPublicKey, verifyDeviceSignature } from '../pairing/device-key.js';
import type { PresentedTokens } from '../pairing/device-token-verdict.js';
import { pendingRefusal } from '../pairing/pending-cause.js';
import { scopesCover } from '../pairing/scope-lattice.js';
import type { AuthScope } from '../auth/rate-limit.js';
import type { ClientKind, Locality } from '../pairing/policy.js';
import type { GatewayContext } from './context.js';
import type { Session } from './connection-state.js';
import { classifyLocality, remoteIpOf } from './locality.js';
import { originAllowed } from './origin.js';
import { isRedactedPlaceholder, REAL_GATEWAY_TOKEN_HINT } from '../protocol/redaction.js';

const policyClose = (reason: string) => ({ code: CLOSE_CODES.policy, reason });

function fail(code: ConstructorParameters<typeof ClawgateError>[0], message: string, details: Record<string, unknown> = {}, closeReason = message): never {
  throw new ClawgateError(code, message, details, policyClose(closeReason));
}

function authHint(mode: string): string {
  if (mode === 'cli') return 'set gateway.remote.token to match gateway.auth.token';
  if (mode === 'ui' || mode === 'webchat') return 'open the dashboard URL and paste the token in Control UI settings';
  return 'provide gateway auth token';
}

/** The result of a successful handshake: the session and, if one was minted, the token for hello-ok. */
export interface HandshakeResult {
  session: Session;
  auth?: HelloAuth;
}

/** Per-connection facts the handshake needs besides the params. */
export interface HandshakeInput {
  req: IncomingMessage;
  nonce: string;
  nowMs: number;
}

/** Check the protocol range before the schema, so a newer client learns the versions, not a schema error. */
function checkProtocol(raw: unknown): void {
  if (typeof raw !== 'object' || raw === null) return;
  const { minProtocol, maxProtocol } = raw as Record<string, unknown>;
  if (!Number.isInteger(minProtocol) || !Number.isInteger(maxProtocol)) return;
  const min = minProtocol as number;
  const max = maxProtocol as number;
  if (max < PROTOCOL_VERSION || min > PROTOCOL_VERSION) {
    throw new ClawgateError(
      'PROTOCOL_MISMATCH',
      `protocol mismatch: this gateway speaks protocol ${PROTOCOL_VERSION}, the client speaks ${min === max ? min : `${min}-${max}`}; use a client that supports protocol ${PROTOCOL_VERSION} (clawgate's CLI, or OpenClaw 2026.2.x)`,
      { expectedProtocol: PROTOCOL_VERSION, clientMinProtocol: min, clientMaxProtocol: max },
      { code: CLOSE_CODES.protocolMismatch, reason: 'protocol mismatch' },
    );
  }
}

const BOOTSTRAP_FIX = 'run clawgate dashboard on the gateway host for a new link (a link works once, for one minute)';

/**
 * Spend a dashboard link's code (one try, whatever happens next) and check it covers the role and scopes asked.
 * Failures count against the address's failed-auth limit, as a wrong token does.
 */
function redeemBootstrapCode(
  gw: GatewayContext,
  code: string,
  role: string,
  scopes: readonly string[],
  nowMs: number,
  limits: { assertNotLimited(scope: AuthScope): void; recordFailure(scope: AuthScope): void },
): { issuedBy: string } {
  limits.assertNotLimited('shared-secret');
  const verdict = gw.bootstrapCodes.consume(code, nowMs);
  const refuse = (message: string, reason: string): never => {
    limits.recordFailure('shared-secret');
    return fail('AUTH_BOOTSTRAP_TOKEN_INVALID', `unauthorized: ${message}; ${BOOTSTRAP_FIX}`, { authReason: reason }, 'unauthorized: dashboard link code invalid (run clawgate dashboard)');
  };
  if (!verdict.ok) return refuse(verdict.why === 'expired' ? 'this dashboard link has expired' : 'this dashboard link was already used or is not from this gateway run', `bootstrap_${verdict.why}`);
  if (role !== 'operator' || !scopesCover(verdict.scopes, scopes)) {
    return refuse(`this dashboard link grants role operator with ${verdict.scopes.join(', ')}, and the client asked for role ${role} with ${scopes.join(', ') || 'no scopes'}`, 'bootstrap_scope');
  }
  return { issuedBy: verdict.issuedBy };
}

/**
 * Validate a `connect` request in the documented order (protocol-v3 §3) and decide pairing.
 * Throws a ClawgateError carrying the close code and reason for every rejection.
 */
export function performHandshake(gw: GatewayContext, rawParams: unknown, input: HandshakeInput): HandshakeResult {
  checkProtocol(rawParams);
  if (!connectParams.check(rawParams)) {
    const msg = `invalid connect params: ${connectParams.errors(rawParams).join('; ')}`;
    fail('INVALID_CONNECT_PARAMS', msg);
  }
  const params: ConnectParams = rawParams;
  const role = params.role ?? 'operator';
  if (!isRole(role)) fail('INVALID_ROLE', 'invalid role', { role });
  const scopes = params.scopes ?? [];

  const locality: Locality = classifyLocality(input.req);
  const origin = input.req.headers.origin;
  const kind: ClientKind = origin ? 'browser' : 'other';
  if (origin && !originAllowed(origin, gw.port(), gw.config.allowedOrigins)) {
    fail('ORIGIN_NOT_ALLOWED', `origin not allowed (${origin.slice(0, 80)}): add it to gateway.allowedOrigins to let this page connect`, { origin: origin.slice(0, 200) }, 'origin not allowed');
  }

  // Shared-secret proof. With auth mode none, a loopback-direct client holds the proof by definition.
  const auth = params.auth ?? {};
  // A placeholder pasted from clawgate's output is named as what it is, never reported as a plain mismatch.
  if (isRedactedPlaceholder(auth.token) || isRedactedPlaceholder(auth.deviceToken)) {
    const which = isRedactedPlaceholder(auth.token) ? 'gateway' : 'device';
    const where = which === 'gateway' ? REAL_GATEWAY_TOKEN_HINT : "device tokens are never printed: the client's own token cache holds it; connect with the gateway token to get a fresh one";
    fail('SECRET_IS_PLACEHOLDER', `unauthorized: the ${which} token this client sent is a redacted placeholder ("[redacted ...]" is what clawgate prints in place of a secret), not the token; ${where}`, { authReason: 'redacted_placeholder', credential: which });
  }
  const gatewayToken = gw.gatewayToken.secret;
  const sharedToken = auth.token !== undefined && auth.token !== '' && auth.token !== auth.deviceToken ? auth.token : undefined;
  const sharedOk = gw.config.authMode === 'none' ? locality === 'loopback-direct' : sharedToken !== undefined && gatewayToken !== undefined && constantTimeEqual(sharedToken, gatewayToken.reveal());
  const remoteIp = remoteIpOf(input.req);
  // Failed-auth limits apply per address; loopback-direct is the owner's machine and exempt. Proxied
  // clients share their proxy's bucket (their forwarded address is not authenticated).
  const peer = remoteIp ?? 'unknown';
  const limiterKey = locality === 'loopback-direct' ? undefined : locality === 'remote' ? peer : `proxy:${peer}`;
  const retryAfterMs = (scope: AuthScope): number => (limiterKey ? gw.authLimiter.retryAfterMs(limiterKey, scope, input.nowMs) : 0);
  const assertNotLimited = (scope: AuthScope): void => {
    const retryMs = retryAfterMs(scope);
    if (retryMs > 0) {
      fail('AUTH_RATE_LIMITED', `unauthorized: too many failed authentication attempts (retry in ${Math.ceil(retryMs / 1000)} s)`, { retryAfterMs: retryMs, scope }, 'unauthorized: too many failed authentication attempts (retry later)');
    }
  };
  const recordFailure = (scope: AuthScope): void => {
    if (limiterKey && gw.authLimiter.recordFailure(limiterKey, scope, input.nowMs)) {
      gw.log.warn({ code: 'AUTH_RATE_LIMITED', remote: limiterKey, scope }, 'too many failed authentication attempts: address locked out');
    }
  };
  if (sharedToken !== undefined) assertNotLimited('shared-secret');
  if (auth.deviceToken) assertNotLimited('device-token');
  const tokenMismatch = (): never => {
    recordFailure('shared-secret');
    return fail('AUTH_TOKEN_MISMATCH', `unauthorized: gateway token mismatch (${authHint(params.client.mode)})`, { authReason: 'token_mismatch' });
  };

  const base = {
    connId: randomUUID(),
    protocol: PROTOCOL_VERSION,
    role,
    clientId: params.client.id,
    clientMode: params.client.mode,
    clientVersion: params.client.version,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
    displayName: params.client.displayName,
    instanceId: params.client.instanceId,
    locality,
    remoteIp,
    connectedAtMs: input.nowMs,
  };

  if (!params.device) {
    // A code pairs a key; with no key there is nothing for it to approve, and it must not stand in for the token.
    if (auth.bootstrapToken) fail('DEVICE_IDENTITY_REQUIRED', 'device identity required: a dashboard link code pairs the device key that presents it; connect with a device key', {}, 'device identity required');
    if (sharedOk) {
      // Device-less: the owner's token on loopback keeps its scopes; off-host it gets none. Nothing is paired.
      return { session: { ...base, scopes: locality === 'loopback-direct' ? scopes : [], deviceId: undefined, authMethod: gw.config.authMode === 'none' ? 'none' : 'gateway-token' } };
    }
    if (sharedToken !== undefined && gw.config.authMode === 'token') tokenMismatch();
    fail('DEVICE_IDENTITY_REQUIRED', 'device identity required: connect with a device key, or with the gateway token on this host', {}, 'device identity required');
  }

  const device = params.device;
  const invalid = (reason: string, message: string): never => fail('DEVICE_AUTH_INVALID', message, { reason });
  const raw = rawPublicKey(device.publicKey) ?? invalid('device-public-key', 'device public key invalid');
  if (deviceIdFromRawKey(raw) !== device.id) invalid('device-id-mismatch', 'device identity mismatch');
  const skewMs = device.signedAt - input.nowMs;
  if (Math.abs(skewMs) > SIGNATURE_SKEW_MS) {
    const secs = Math.round(Math.abs(skewMs) / 1000);
    fail(
      'DEVICE_CLOCK_SKEW',
      `device signature expired: the device clock is ${secs} s ${skewMs > 0 ? 'ahead of' : 'behind'} the gateway's (skew ${skewMs} ms, allowed ±${SIGNATURE_SKEW_MS} ms); set the device's clock right (e.g. timedatectl set-ntp true) and retry`,
      { reason: 'device-signature-stale', skewMs, allowedSkewMs: SIGNATURE_SKEW_MS },
      `device signature expired (clock skew ${skewMs > 0 ? '+' : '-'}${secs} s)`,
    );
  }
  const nonce = device.nonce || invalid('device-nonce-missing', 'device nonce required');
  if (nonce !== input.nonce) invalid('device-nonce-mismatch', 'device nonce mismatch');
  // As v4 signs: the shared token, else the device token, else the setup code.
  const signedToken = auth.token ?? auth.deviceToken ?? auth.bootstrapToken ?? '';
  const fields = { deviceId: device.id, clientId: params.client.id, clientMode: params.client.mode, role, scopes, signedAtMs: device.signedAt, token: signedToken, nonce, platform: params.client.platform, deviceFamily: params.client.deviceFamily };
  if (!verifyDeviceSignature(raw, fields, device.signature)) invalid('device-signature', 'device signature invalid');

  // Which wire slot carries what; pairing/ judges what the tokens mean. Under auth mode none there is no
  // gateway token, so auth.token can only be a device token; otherwise an auth.token that did not prove the
  // gateway token is an older client's device token or a wrong gateway token, which only the store can tell.
  const bootstrap = auth.bootstrapToken ? redeemBootstrapCode(gw, auth.bootstrapToken, role, scopes, input.nowMs, { assertNotLimited, recordFailure }) : undefined;
  const tokens: PresentedTokens =
    gw.config.authMode === 'none'
      ? { presentedToken: auth.deviceToken || sharedToken }
      : { presentedToken: auth.deviceToken || undefined, unprovenAuthToken: sharedOk ? undefined : sharedToken };
  const connect: DeviceConnect = {
    deviceId: device.id,
    publicKey: publicKeyToWire(raw),
    role,
    scopes,
    clientId: params.client.id,
    clientMode: params.client.mode,
    displayName: params.client.displayName,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
    remoteIp: locality === 'loopback-direct' ? undefined : remoteIp,
    locality,
    kind,
    proof: sharedOk,
    bootstrap,
    ...tokens,
    deviceTokenLocked: retryAfterMs('device-token') > 0,
  };
  let decision: DeviceDecision;
  try {
    decision = authorizeDevice(gw.store, connect, { autoApproveRemoteWithToken: gw.config.autoApproveRemoteWithToken }, input.nowMs);
  } catch (err) {
    if (err instanceof ClawgateError) {
      // Pairing's verdicts, mapped to the wire: the failure counters and the client-specific hints live here.
      if (err.code === 'AUTH_TOKEN_MISMATCH') tokenMismatch();
      if (err.code === 'AUTH_RATE_LIMITED') assertNotLimited('device-token');
      if (err.code === 'AUTH_DEVICE_TOKEN_MISMATCH' || err.code === 'AUTH_TOKEN_MISSING') recordFailure('device-token');
    }
    throw err;
  }
  if (decision.outcome === 'pending') {
    // The full message does not fit a close frame (120 bytes); the close reason keeps the command whole.
    const refusal = pendingRefusal(device.id, decision.requestId, decision.reason, decision.cause);
    fail(refusal.code, refusal.message, refusal.details, refusal.closeReason);
  }
  const session: Session = { ...base, scopes, deviceId: device.id, authMethod: decision.authMethod };
  return { session, auth: decision.issued };
}
