import { fingerprintOf } from '../../auth/secret.js';
import { hashToken } from '../../auth/tokens.js';
import { DeviceTokens } from '../../store/device-tokens.js';
import { Devices } from '../../store/devices.js';
import { withReadOnlyStore } from '../read-only-store.js';
import type { DoctorCheck, DraftFinding } from '../types.js';
import { finding } from '../types.js';

/** Printable prefix of a stored hash: the same `sha256:<12 hex>` as the cached token's fingerprint. */
const hashPrefix = (hex: string) => `sha256:${hex.slice(0, 12)}`;

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((s, i) => s === [...b].sort()[i]);

/**
 * device-token-cache: this CLI's cached operator token (identity/device-auth.json) against the store:
 * its fingerprint against the stored hash prefix, revocation, and scopes. Values are never printed.
 */
export const deviceTokenCache: DoctorCheck = {
  id: 'device-token-cache',
  run(ctx) {
    const deviceId = ctx.deviceId();
    if (!deviceId) return { summary: 'this CLI has no device identity yet (created on first connect)', findings: [] };
    const cached = ctx.cachedToken();
    const short = deviceId.slice(0, 12);
    if (!cached) return { summary: `device ${short} has no cached operator token (it connects with the gateway token)`, findings: [] };
    const fp = fingerprintOf(cached.token);
    const hasGatewayToken = ctx.cliToken().secret !== undefined;
    const refresh = hasGatewayToken
      ? 'run any clawgate command: this CLI holds the gateway token and receives a fresh device token on connect'
      : `clawgate devices rotate --device ${short} --role operator (on the gateway's host), or run any command with the gateway token`;
    const severity = hasGatewayToken ? 'warn' : 'error';
    const view = withReadOnlyStore(ctx.paths.dbPath, (db) => ({ device: new Devices(db).get(deviceId), token: new DeviceTokens(db).get(deviceId, 'operator') }));
    if (!view) return { summary: `cached token ${fp}; no readable store to compare with (see store-integrity)`, findings: [] };
    const findings: DraftFinding[] = [];
    if (!view.device || !view.token) {
      findings.push(finding('device-token-unknown', severity, `cached token ${fp} belongs to device ${short}, which the store does not know (removed, or another install)`, hasGatewayToken ? refresh : `run any command with the gateway token (pairs again), or approve its request: clawgate devices approve <id8>`));
    } else if (view.token.revokedAtMs !== undefined) {
      findings.push(finding('device-token-revoked', severity, `the operator token of device ${short} was revoked; the cached ${fp} is refused`, `clawgate devices rotate --device ${short} --role operator, or run any command with the gateway token`));
    } else if (view.token.tokenHash === undefined) {
      findings.push(finding('device-token-reissued', 'info', `a new token for device ${short} is waiting to be delivered; the cached ${fp} is replaced on the next connect`, 'run any clawgate command'));
    } else if (hashToken(cached.token) !== view.token.tokenHash) {
      findings.push(finding('device-token-stale', severity, `cached token ${fp} does not match the store's ${hashPrefix(view.token.tokenHash)} for device ${short}`, refresh));
    } else if (!sameSet(cached.scopes, view.token.scopes)) {
      findings.push(finding('device-token-scopes', 'info', `cached scopes [${cached.scopes.join(', ')}] differ from the store's [${view.token.scopes.join(', ')}] for device ${short}`, 'run any clawgate command to refresh the cache'));
    }
    return { summary: findings.length === 0 ? `cached token ${fp} matches the store (scopes ${view.token?.scopes.join(', ') || 'none'})` : `cached token ${fp}`, findings };
  },
};
