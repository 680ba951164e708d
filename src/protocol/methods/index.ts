import type { MethodDef } from './define.js';
import { devicePairApprove, devicePairList, devicePairReject, devicePairRemove } from './device-pair.js';
import { deviceTokenRevoke, deviceTokenRotate } from './device-token.js';
import { health, status, systemPresence } from './gateway-info.js';
import { configGet } from './config.js';
import { gatewayTokenReload } from './gateway-token.js';
import { logsTail } from './logs.js';

export { devicePairApprove, devicePairList, devicePairReject, devicePairRemove } from './device-pair.js';
export { deviceTokenRevoke, deviceTokenRotate } from './device-token.js';
export { health, status, systemPresence } from './gateway-info.js';
export { configGet } from './config.js';
export { gatewayTokenReload } from './gateway-token.js';
export { logsTail } from './logs.js';
export type { MethodDef, ParamsOf, ResultOf } from './define.js';

/** Every method this gateway serves, by name. */
export const METHODS: ReadonlyMap<string, MethodDef> = new Map(
  [health, status, systemPresence, configGet, gatewayTokenReload, devicePairList, devicePairApprove, devicePairReject, devicePairRemove, deviceTokenRotate, deviceTokenRevoke, logsTail].map(
    (m) => [m.name, m as MethodDef],
  ),
);
