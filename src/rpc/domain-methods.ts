import type { MethodImpl } from '../protocol/methods/define.js';
import type { Store } from '../store/store.js';
import { agentMethods } from '../agents/rpc-methods.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import { approvalMethods } from '../approvals/rpc-methods.js';
import type { AgentRuntimeApi } from '../agents/runtime-api.js';
import { authMethods, type GatewayTokenHolder } from '../auth/rpc-methods.js';
import type { Channels } from '../channels/channel.js';
import { channelMethods } from '../channels/rpc-methods.js';
import { configMethods } from '../config/rpc-methods.js';
import { cronMethods } from '../cron/rpc-methods.js';
import type { CronService } from '../cron/scheduler.js';
import { loggingMethods } from '../logging/rpc-methods.js';
import type { BootstrapCodes } from '../pairing/bootstrap-codes.js';
import { pairingMethods } from '../pairing/rpc-methods.js';

/** What the domains' method factories need; the gateway builds it once. */
export interface DomainDeps {
  readonly store: Store;
  readonly configPath: string;
  readonly logsDir: string;
  readonly gatewayToken: GatewayTokenHolder;
  readonly agents: AgentRuntimeApi;
  readonly channels: Channels;
  readonly cron: CronService;
  /** Exec approvals: resolving wakes the waiting run in this process. */
  readonly approvals: ApprovalService;
  /** Single-use codes of dashboard links; the handshake redeems them. */
  readonly bootstrapCodes: BootstrapCodes;
}

/** Each domain's methods, built from its own factory with only the parts it needs. */
export function domainMethods(d: DomainDeps): ReadonlyArray<readonly MethodImpl[]> {
  return [
    pairingMethods(d.store, d.bootstrapCodes),
    configMethods(d.configPath),
    authMethods(d.gatewayToken),
    loggingMethods(d.logsDir, () => [d.gatewayToken.current().secret?.reveal()]),
    agentMethods(d.agents),
    cronMethods(d.cron),
    channelMethods(d.store, d.channels),
    approvalMethods(d.store, d.approvals),
  ];
}
