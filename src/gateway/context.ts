import type { Logger } from 'pino';
import type { AgentRuntimeApi } from '../agents/runtime-api.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import type { ResolvedToken } from '../auth/gateway-token.js';
import type { AuthRateLimiter } from '../auth/rate-limit.js';
import type { BootstrapCodes } from '../pairing/bootstrap-codes.js';
import type { EffectiveGatewayConfig } from '../config/schema.js';
import type { StatePaths } from '../config/paths.js';
import type { Channels } from '../channels/channel.js';
import type { CronService } from '../cron/scheduler.js';
import type { Store } from '../store/store.js';
import type { Broadcaster } from './broadcaster.js';
import type { Connection } from './connection-state.js';

/** Everything a running gateway shares with its handlers. The store is the only truth for pairing state. */
export interface GatewayContext {
  readonly store: Store;
  readonly paths: StatePaths;
  readonly config: EffectiveGatewayConfig;
  /** The gateway token in force and where it came from. */
  gatewayToken: ResolvedToken;
  readonly startedAtMs: number;
  /** Short hash of the state dir path, so a CLI can tell whether it looks at the same install. */
  readonly stateDirId: string;
  readonly connections: Set<Connection>;
  readonly broadcaster: Broadcaster;
  readonly log: Logger;
  /** Failed-auth limits per remote address (bounded). */
  readonly authLimiter: AuthRateLimiter;
  /** Single-use codes of `clawgate dashboard` links (in memory, hashed). */
  readonly bootstrapCodes: BootstrapCodes;
  /** The agent runtime: runs, sessions, models and provider health. */
  readonly agents: AgentRuntimeApi;
  /** The chat channels (Telegram): status, delivery, close. */
  readonly channels: Channels;
  /** The cron scheduler: jobs, the run ledger, manual runs. */
  readonly cron: CronService;
  /** Exec approvals: the gate the agents' exec tool asks, pending requests, their waiters. */
  readonly approvals: ApprovalService;
  /** Apply what this process just wrote to the store (events, socket closes); other processes' writes are polled. */
  syncStore(): void;
  /** Re-resolve the gateway token (flag, env, config as it is now), validate it, and use it from now on. */
  reloadGatewayToken(): ResolvedToken;
  /** The bound port (differs from config when it was 0). */
  port(): number;
}
