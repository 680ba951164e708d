/** Where a connection comes from, as the gateway sees the socket and its headers. */
export type Locality = 'loopback-direct' | 'loopback-forwarded' | 'remote';
/** Why the device's record does not already cover the connect ('none' = it does). */
export type PairingReason = 'none' | 'not-paired' | 'role-upgrade' | 'scope-upgrade' | 'metadata-upgrade';
/**
 * What the client proved: it owns the install (valid gateway token, or auth mode none on loopback), or it
 * presented a single-use code the owner issued on the host (`clawgate dashboard`), or nothing.
 */
export type Proof = 'gateway-token' | 'bootstrap-code' | 'none';
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
export const PROOFS: readonly Proof[] = ['gateway-token', 'bootstrap-code', 'none'];
export const CLIENT_KINDS: readonly ClientKind[] = ['browser', 'other'];

type Cells = Record<Proof, Record<ClientKind, PolicyCell>>;

const PASS: Cells = { 'gateway-token': { browser: 'pass', other: 'pass' }, 'bootstrap-code': { browser: 'pass', other: 'pass' }, none: { browser: 'pass', other: 'pass' } };

/**
 * A single-use code is the owner's approval of the one key that presents it, given ahead on the host: it
 * approves from anywhere the connection is allowed at all, and a browser still never becomes a node.
 */
const CODE_UPGRADE = { browser: 'auto-approve', other: 'auto-approve' } as const;
const CODE_ROLE_UPGRADE = { browser: 'refuse', other: 'auto-approve' } as const;

/** The loopback-direct owner holding the token is trusted for any change; without it, a human approves. */
const LOCAL_UPGRADE: Cells = {
  'gateway-token': { browser: 'auto-approve', other: 'auto-approve' },
  'bootstrap-code': CODE_UPGRADE,
  none: { browser: 'pending', other: 'pending' },
};

/** Off-host (or proxied) clients: a human approves, unless the owner opted in to token-based approval. Browsers never auto-approve off-host. */
const REMOTE_UPGRADE: Cells = {
  'gateway-token': { browser: 'pending', other: 'opt-in' },
  'bootstrap-code': CODE_UPGRADE,
  none: { browser: 'pending', other: 'pending' },
};

/** A browser page never becomes a node (capability host). */
const LOCAL_ROLE_UPGRADE: Cells = {
  'gateway-token': { browser: 'refuse', other: 'auto-approve' },
  'bootstrap-code': CODE_ROLE_UPGRADE,
  none: { browser: 'refuse', other: 'pending' },
};
const REMOTE_ROLE_UPGRADE: Cells = {
  'gateway-token': { browser: 'refuse', other: 'opt-in' },
  'bootstrap-code': CODE_ROLE_UPGRADE,
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
