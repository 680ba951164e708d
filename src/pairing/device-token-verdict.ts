import { tokenMatchesHash } from '../auth/tokens.js';
import type { TokenRecord } from '../store/device-tokens.js';

/** The secrets a connect presented besides a proven gateway token, by the wire slot that carried them. */
export interface PresentedTokens {
  /** Sent as a device token: auth.deviceToken, or auth.token under auth mode none (where no gateway token exists). */
  presentedToken?: string | undefined;
  /** auth.token that did not prove the gateway token: an older client's device token, or a wrong gateway token. */
  unprovenAuthToken?: string | undefined;
}

/**
 * What the presented tokens mean for one (device, role):
 * none: no device token presented; valid: it is the active token; mismatch: a device token that is not the
 * active one (stale cache, rotated, revoked or guessed); gateway-token-mismatch: auth.token was neither the
 * gateway token nor this device's token, so it was a wrong gateway token.
 */
export type DeviceTokenVerdict = 'none' | 'valid' | 'mismatch' | 'gateway-token-mismatch';

/**
 * The one decision on presented device tokens, against the active token record read inside the pairing
 * transaction. Everything that acts on a device token (pass, mint, refuse) acts on this verdict.
 */
export function judgeDeviceToken(active: TokenRecord | undefined, tokens: PresentedTokens): DeviceTokenVerdict {
  const isActive = (token: string): boolean => active?.tokenHash !== undefined && tokenMatchesHash(token, active.tokenHash);
  const { presentedToken, unprovenAuthToken } = tokens;
  if (unprovenAuthToken !== undefined) {
    // Older clients put the device token in auth.token. With an explicit device token alongside, auth.token
    // can only have been meant as the gateway token.
    return presentedToken === undefined && isActive(unprovenAuthToken) ? 'valid' : 'gateway-token-mismatch';
  }
  if (presentedToken === undefined) return 'none';
  return isActive(presentedToken) ? 'valid' : 'mismatch';
}
