/** Who performs a pairing operation: an RPC caller (with its device and scopes) or the CLI on the store. */
export interface Actor {
  /** Audit label: `rpc:<deviceId prefix>`, `rpc:shared-token`, `cli-local`, `gateway`. */
  readonly label: string;
  /** The caller's own device, if it has one. */
  readonly deviceId?: string | undefined;
  /** The caller's scopes; admin may act on any device. */
  readonly scopes: readonly string[];
}

/** The owner acting on the store directly (CLI local fallback): full rights. */
export const LOCAL_OWNER: Actor = { label: 'cli-local', scopes: ['operator.admin'] };
