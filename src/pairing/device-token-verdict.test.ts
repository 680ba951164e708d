import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../auth/tokens.js';
import type { TokenRecord } from '../store/device-tokens.js';
import type { RetiredToken } from '../store/retired-tokens.js';
import { judgeDeviceToken, type DeviceTokenVerdict, type PresentedTokens } from './device-token-verdict.js';

const ACTIVE = 'the-active-device-token';
const OLD = 'a-rotated-device-token';
const record = (over: Partial<TokenRecord> = {}): TokenRecord => ({ deviceId: 'dev', role: 'operator', tokenHash: hashToken(ACTIVE), scopes: [], createdAtMs: 1, ...over });
const rotated: RetiredToken = { deviceId: 'dev', role: 'operator', tokenHash: hashToken(OLD), why: 'rotated', retiredAtMs: 5, actor: 'cli-local' };
const removedNoHash: RetiredToken = { deviceId: 'dev', role: 'operator', tokenHash: undefined, why: 'removed', retiredAtMs: 6, actor: 'cli-local' };

test('judgeDeviceToken: what each presented combination means, slot by slot', () => {
  const none: DeviceTokenVerdict = { kind: 'none' };
  const valid: DeviceTokenVerdict = { kind: 'valid' };
  const mismatch: DeviceTokenVerdict = { kind: 'mismatch' };
  const wrongGateway: DeviceTokenVerdict = { kind: 'gateway-token-mismatch' };
  const retired: DeviceTokenVerdict = { kind: 'retired', retired: rotated };
  const cases: [string, TokenRecord | undefined, PresentedTokens, DeviceTokenVerdict][] = [
    ['nothing presented', record(), {}, none],
    ['nothing presented, no token record', undefined, {}, none],
    ['the active token as deviceToken', record(), { presentedToken: ACTIVE }, valid],
    ['another token as deviceToken', record(), { presentedToken: 'stale' }, mismatch],
    ['a retired token as deviceToken', record(), { presentedToken: OLD }, retired],
    ['a retired token while the role has no active token', record({ tokenHash: undefined }), { presentedToken: OLD }, retired],
    ['a deviceToken while the token awaits delivery (no hash)', record({ tokenHash: undefined }), { presentedToken: ACTIVE }, mismatch],
    ['a deviceToken for a device without a token record', undefined, { presentedToken: ACTIVE }, mismatch],
    ['an older client: the active token in auth.token', record(), { unprovenAuthToken: ACTIVE }, valid],
    ['an older client: a retired token in auth.token', record(), { unprovenAuthToken: OLD }, retired],
    ['auth.token that is not this device token', record(), { unprovenAuthToken: 'wrong' }, wrongGateway],
    ['auth.token with no token record to match', undefined, { unprovenAuthToken: ACTIVE }, wrongGateway],
    ['auth.token while the token awaits delivery', record({ tokenHash: undefined }), { unprovenAuthToken: ACTIVE }, wrongGateway],
    ['a wrong auth.token beside the valid deviceToken', record(), { presentedToken: ACTIVE, unprovenAuthToken: 'wrong' }, wrongGateway],
    ['a retired token in auth.token beside a deviceToken', record(), { presentedToken: ACTIVE, unprovenAuthToken: OLD }, wrongGateway],
    ['the active token in auth.token beside another deviceToken', record(), { presentedToken: 'other', unprovenAuthToken: ACTIVE }, wrongGateway],
  ];
  for (const [name, active, tokens, verdict] of cases) assert.deepEqual(judgeDeviceToken(active, tokens, [removedNoHash, rotated]), verdict, name);
});
