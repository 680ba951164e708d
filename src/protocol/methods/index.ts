import type { MethodDef } from './define.js';
import { devicePairApprove, devicePairList, devicePairReject, devicePairRemove } from './device-pair.js';
import { deviceTokenRevoke, deviceTokenRotate } from './device-token.js';
import { health, status, systemPresence } from './gateway-info.js';
import { configGet } from './config.js';
import { gatewayTokenReload } from './gateway-token.js';
import { logsTail } from './logs.js';
import { chatAbort, chatHistory, chatSend } from './chat.js';
import { agent, agentsList, agentWait } from './agent.js';
import { sessionsList } from './sessions.js';
import { modelsList, modelsReset, modelsStatus } from './models.js';
import { channelsStatus } from './channels.js';
import { channelPairingApprove, channelPairingList, channelPairingReject, channelPairingRevoke } from './channel-pairing.js';
import { cronAdd, cronList, cronRemove, cronRun, cronRuns, cronStatus, cronUpdate } from './cron.js';

export { devicePairApprove, devicePairList, devicePairReject, devicePairRemove } from './device-pair.js';
export { deviceTokenRevoke, deviceTokenRotate } from './device-token.js';
export { health, status, systemPresence } from './gateway-info.js';
export { configGet } from './config.js';
export { gatewayTokenReload } from './gateway-token.js';
export { logsTail } from './logs.js';
export { chatAbort, chatHistory, chatSend } from './chat.js';
export { agent, agentsList, agentWait } from './agent.js';
export { sessionsList } from './sessions.js';
export { modelsList, modelsReset, modelsStatus } from './models.js';
export { channelsStatus } from './channels.js';
export { channelPairingApprove, channelPairingList, channelPairingReject, channelPairingRevoke } from './channel-pairing.js';
export { cronAdd, cronList, cronRemove, cronRun, cronRuns, cronStatus, cronUpdate } from './cron.js';
export type { MethodDef, ParamsOf, ResultOf } from './define.js';

/** Every method this gateway serves, by name. */
export const METHODS: ReadonlyMap<string, MethodDef> = new Map(
  [
    ...[health, status, systemPresence, configGet, gatewayTokenReload],
    ...[devicePairList, devicePairApprove, devicePairReject, devicePairRemove, deviceTokenRotate, deviceTokenRevoke, logsTail],
    ...[chatSend, chatHistory, chatAbort, agent, agentWait, agentsList, sessionsList, modelsList, modelsStatus, modelsReset],
    ...[channelsStatus, channelPairingList, channelPairingApprove, channelPairingReject, channelPairingRevoke],
    ...[cronList, cronStatus, cronRuns, cronAdd, cronUpdate, cronRemove, cronRun],
  ].map((m) => [m.name, m as MethodDef]),
);
