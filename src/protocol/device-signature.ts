// Pure payload building only, so a browser can sign: keys, device ids and verifying are in pairing/device-key.ts.

/** Fields that go into a v2/v3 device signature, exactly as received or sent. */
export interface SignatureFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  token: string;
  nonce: string;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
}

/** v2 payload: `v2|deviceId|clientId|clientMode|role|scopes|signedAt|token|nonce`. */
export function buildV2Payload(f: SignatureFields): string {
  return ['v2', f.deviceId, f.clientId, f.clientMode, f.role, f.scopes.join(','), String(f.signedAtMs), f.token, f.nonce].join('|');
}

/** v3 payload: v2's fields plus platform and deviceFamily, trimmed and ASCII-lowercased. */
export function buildV3Payload(f: SignatureFields): string {
  return [
    'v3',
    f.deviceId,
    f.clientId,
    f.clientMode,
    f.role,
    f.scopes.join(','),
    String(f.signedAtMs),
    f.token,
    f.nonce,
    asciiLower(f.platform),
    asciiLower(f.deviceFamily),
  ].join('|');
}

function asciiLower(value: string | undefined): string {
  return (value ?? '').trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
}
