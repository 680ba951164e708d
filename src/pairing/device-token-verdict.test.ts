import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../auth/tokens.js';
import type { TokenRecord } from '../store/device-tokens.js';
import { judgeDeviceToken, type DeviceTokenVerdict, type PresentedTokens } from './device-token-verdict.js';

const ACTIVE = 'the-active-device-token';
const record = (over: Partial<TokenRecord> = {}): TokenRecord => ({ deviceId: 'dev', role: 'operator', tokenHash: hashToken(ACTIVE), scopes: [], createdAtMs: 1, ...over });

test('judgeDeviceToken: what each presented combination means, slot by slot', () => {
  const cases: [string, TokenRecord | undefined, PresentedTokens, DeviceTokenVerdict][] = [
    ['nothing presented', record(), {}, 'none'],
    ['nothing presented, no token record', undefined, {}, 'none'],
    ['the active token as deviceToken', record(), { presentedToken: ACTIVE }, 'valid'],
    ['another token as deviceToken', record(), { presentedToken: 'stale' }, 'mismatch'],
    ['a deviceToken while the token awaits delivery (no hash)', record({ tokenHash: undefined }), { presentedToken: ACTIVE }, 'mismatch'],
    ['a deviceToken for a device without a token record', undefined, { presentedToken: ACTIVE }, 'mismatch'],
    ['an older client: the active token in auth.token', record(), { unprovenAuthToken: ACTIVE }, 'valid'],
    ['auth.token that is not this device token', record(), { unprovenAuthToken: 'wrong' }, 'gateway-token-mismatch'],
    ['auth.token with no token record to match', undefined, { unprovenAuthToken: ACTIVE }, 'gateway-token-mismatch'],
    ['auth.token while the token awaits delivery', record({ tokenHash: undefined }), { unprovenAuthToken: ACTIVE }, 'gateway-token-mismatch'],
    ['a wrong auth.token beside the valid deviceToken', record(), { presentedToken: ACTIVE, unprovenAuthToken: 'wrong' }, 'gateway-token-mismatch'],
    ['the active token in auth.token beside another deviceToken', record(), { presentedToken: 'other', unprovenAuthToken: ACTIVE }, 'gateway-token-mismatch'],
  ];
  for (const [name, active, tokens, verdict] of cases) assert.equal(judgeDeviceToken(active, tokens), verdict, name);
});
