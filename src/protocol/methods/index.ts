import { isMethodDef, type MethodDef } from './define.js';
import * as agent from './agent.js';
import * as channelPairing from './channel-pairing.js';
import * as channels from './channels.js';
import * as chat from './chat.js';
import * as config from './config.js';
import * as cron from './cron.js';
import * as dashboardLink from './dashboard-link.js';
import * as devicePair from './device-pair.js';
import * as deviceToken from './device-token.js';
import * as execApprovals from './exec-approvals.js';
import * as gatewayInfo from './gateway-info.js';
import * as gatewayToken from './gateway-token.js';
import * as logs from './logs.js';
import * as models from './models.js';
import * as sessions from './sessions.js';

export * from './agent.js';
export * from './channel-pairing.js';
export * from './channels.js';
export * from './chat.js';
export * from './config.js';
export * from './cron.js';
export * from './dashboard-link.js';
export * from './device-pair.js';
export * from './device-token.js';
export * from './exec-approvals.js';
export * from './gateway-info.js';
export * from './gateway-token.js';
export * from './logs.js';
export * from './models.js';
export * from './sessions.js';
export * from './define.js';

const MODULES = [gatewayInfo, config, gatewayToken, devicePair, deviceToken, dashboardLink, logs, chat, agent, sessions, models, channels, channelPairing, cron, execApprovals];

/** Every method this gateway serves, by name: each definition is named once, in its own module. */
export const METHODS: ReadonlyMap<string, MethodDef> = new Map(
  MODULES.flatMap((m) => Object.values(m).filter(isMethodDef)).map((def) => [def.name, def]),
);
