import { tokenMatchesHash } from '../auth/tokens.js';
import type { TokenRecord } from '../store/device-tokens.js';
import type { RetiredToken } from '../store/retired-tokens.js';

/** The secrets a connect presented besides a proven gateway token, by the wire slot that carried them. */
export interface PresentedTokens {
  /** Sent as a device token: auth.deviceToken, or auth.token under auth mode none (where no gateway token exists). */
  presentedToken?: string | undefined;
  /** auth.token that did not prove the gateway token: an older client's device token, or a wrong gateway token. */
  unprovenAuthToken?: string | undefined;
}

/**
 * What the presented tokens mean for one (device, role):
 * none: no device token presented; valid: it is the active token; retired: a token of this device that was
 * rotated away, revoked or outlived its device's removal (remembered by hash); mismatch: a device token that is
 * neither (an unknown or forgotten one); gateway-token-mismatch: auth.token was neither the gateway token nor a
 * token of this device, so it was a wrong gateway token.
 */
export type DeviceTokenVerdict =
  | { kind: 'none' }
  | { kind: 'valid' }
  | { kind: 'retired'; retired: RetiredToken }
  | { kind: 'mismatch' }
  | { kind: 'gateway-token-mismatch' };

/**
 * The one decision on presented device tokens, against the active token record and the device's retired
 * hashes, both read inside the pairing transaction. Everything that acts on a device token (pass, mint,
 * refuse, ask for approval) acts on this verdict.
 */
export function judgeDeviceToken(active: TokenRecord | undefined, tokens: PresentedTokens, retired: readonly RetiredToken[] = []): DeviceTokenVerdict {
  const isActive = (token: string): boolean => active?.tokenHash !== undefined && tokenMatchesHash(token, active.tokenHash);
  const retiredAs = (token: string): RetiredToken | undefined => retired.find((r) => r.tokenHash !== undefined && tokenMatchesHash(token, r.tokenHash));
  const { presentedToken, unprovenAuthToken } = tokens;
  if (unprovenAuthToken !== undefined) {
    // Older clients put the device token in auth.token. With an explicit device token alongside, auth.token
    // can only have been meant as the gateway token.
    if (presentedToken === undefined && isActive(unprovenAuthToken)) return { kind: 'valid' };
    const old = presentedToken === undefined ? retiredAs(unprovenAuthToken) : undefined;
    return old ? { kind: 'retired', retired: old } : { kind: 'gateway-token-mismatch' };
  }
  if (presentedToken === undefined) return { kind: 'none' };
  if (isActive(presentedToken)) return { kind: 'valid' };
  const old = retiredAs(presentedToken);
  return old ? { kind: 'retired', retired: old } : { kind: 'mismatch' };
}
