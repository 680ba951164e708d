import type { SignatureFields } from '../../src/protocol/device-signature.js';

/** The signed fields of protocol-v3.md §4.5's test vector (seed bytes 01..20). */
export const VECTOR_FIELDS: SignatureFields = {
  deviceId: '65b60673d6ed884bf01c2c222d82ada0740f29ac3355d6a925c81f17f47a27b8',
  clientId: 'cli',
  clientMode: 'cli',
  role: 'operator',
  scopes: ['operator.admin', 'operator.pairing'],
  signedAtMs: 1767225600000,
  token: 'secret',
  nonce: 'nonce-123',
};
