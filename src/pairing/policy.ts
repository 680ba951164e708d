/** Where a connection comes from, as the gateway sees the socket and its headers. */
export type Locality = 'loopback-direct' | 'loopback-forwarded' | 'remote';
/** Why the device's record does not already cover the connect ('none' = it does). */
export type PairingReason = 'none' | 'not-paired' | 'role-upgrade' | 'scope-upgrade' | 'metadata-upgrade';
/** Whether the client proved it owns the install (valid gateway token, or auth mode none on loopback). */
export type Proof = 'gateway-token' | 'none';
/** A browser page (sent an Origin header) or any other client. */
export type ClientKind = 'browser' | 'other';
/**
 * pass: connect without pairing; auto-approve: approve now and connect; pending: create or merge a
 * pending request and refuse with "pairing required"; opt-in: auto-approve when
 * gateway.pairing.autoApproveRemoteWithToken is true, else pending; refuse: no request at all.
 */
export type PolicyCell = 'pass' | 'auto-approve' | 'pending' | 'opt-in' | 'refuse';
export type Decision = Exclude<PolicyCell, 'opt-in'>;

export const LOCALITIES: readonly Locality[] = ['loopback-direct', 'loopback-forwarded', 'remote'];
export const REASONS: readonly PairingReason[] = ['none', 'not-paired', 'role-upgrade', 'scope-upgrade', 'metadata-upgrade'];
export const PROOFS: readonly Proof[] = ['gateway-token', 'none'];
export const CLIENT_KINDS: readonly ClientKind[] = ['browser', 'other'];

type Cells = Record<Proof, Record<ClientKind, PolicyCell>>;

const PASS: Cells = { 'gateway-token': { browser: 'pass', other: 'pass' }, none: { browser: 'pass', other: 'pass' } };

/** The loopback-direct owner holding the token is trusted for any change; without it, a human approves. */
const LOCAL_UPGRADE: Cells = {
  'gateway-token': { browser: 'auto-approve', other: 'auto-approve' },
  none: { browser: 'pending', other: 'pending' },
};

/** Off-host (or proxied) clients: a human approves, unless the owner opted in to token-based approval. Browsers never auto-approve off-host. */
const REMOTE_UPGRADE: Cells = {
  'gateway-token': { browser: 'pending', other: 'opt-in' },
  none: { browser: 'pending', other: 'pending' },
};

/** A browser page never becomes a node (capability host). */
const LOCAL_ROLE_UPGRADE: Cells = {
  'gateway-token': { browser: 'refuse', other: 'auto-approve' },
  none: { browser: 'refuse', other: 'pending' },
};
const REMOTE_ROLE_UPGRADE: Cells = {
  'gateway-token': { browser: 'refuse', other: 'opt-in' },
  none: { browser: 'refuse', other: 'pending' },
};

/** The pairing policy, every cell declared: locality x reason x proof x client kind. */
export const POLICY_TABLE: Record<Locality, Record<PairingReason, Cells>> = {
  'loopback-direct': {
    none: PASS,
    'not-paired': LOCAL_UPGRADE,
    'role-upgrade': LOCAL_ROLE_UPGRADE,
    'scope-upgrade': LOCAL_UPGRADE,
    'metadata-upgrade': LOCAL_UPGRADE,
  },
  // Forwarded headers mean a proxy relayed someone else's connection: treated exactly as remote.
  'loopback-forwarded': {
    none: PASS,
    'not-paired': REMOTE_UPGRADE,
    'role-upgrade': REMOTE_ROLE_UPGRADE,
    'scope-upgrade': REMOTE_UPGRADE,
    'metadata-upgrade': REMOTE_UPGRADE,
  },
  remote: {
    none: PASS,
    'not-paired': REMOTE_UPGRADE,
    'role-upgrade': REMOTE_ROLE_UPGRADE,
    'scope-upgrade': REMOTE_UPGRADE,
    'metadata-upgrade': REMOTE_UPGRADE,
  },
};

export interface PolicyOptions {
  autoApproveRemoteWithToken: boolean;
}

/** Look up the declared cell and resolve opt-in against config. */
export function decide(
  locality: Locality,
  reason: PairingReason,
  proof: Proof,
  kind: ClientKind,
  options: PolicyOptions,
): Decision {
  const cell = POLICY_TABLE[locality][reason][proof][kind];
  if (cell === 'opt-in') return options.autoApproveRemoteWithToken ? 'auto-approve' : 'pending';
  return cell;
}
