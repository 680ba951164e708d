import {
  devicePairApprove,
  devicePairList,
  devicePairReject,
  devicePairRemove,
  deviceTokenRevoke,
  deviceTokenRotate,
} from '../protocol/methods/index.js';
import { bindMethod, type BoundMethod } from '../gateway/handler.js';
import { approveRequest, listPairing, rejectRequest, removeDevice, revokeToken, rotateToken } from './operations.js';

/** device.pair.* and device.token.*: thin bindings of the pairing operations the CLI fallback also uses. */
export const PAIRING_METHODS: readonly BoundMethod[] = [
  bindMethod(devicePairList, (_p, { gateway }) => listPairing(gateway.store, Date.now())),
  bindMethod(devicePairApprove, (p, { gateway, actor }) => approveRequest(gateway.store, p.requestId, actor, Date.now())),
  bindMethod(devicePairReject, (p, { gateway, actor }) => rejectRequest(gateway.store, p.requestId, actor, Date.now())),
  bindMethod(devicePairRemove, (p, { gateway, actor }) => removeDevice(gateway.store, p.deviceId, actor, Date.now())),
  bindMethod(deviceTokenRotate, (p, { gateway, actor }) => rotateToken(gateway.store, p, actor, Date.now())),
  bindMethod(deviceTokenRevoke, (p, { gateway, actor }) => revokeToken(gateway.store, p, actor, Date.now())),
];
