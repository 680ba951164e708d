import {
  devicePairApprove,
  devicePairList,
  devicePairReject,
  devicePairRemove,
  deviceTokenRevoke,
  deviceTokenRotate,
} from '../protocol/methods/index.js';
import { implement, type MethodImpl } from '../protocol/methods/define.js';
import type { Store } from '../store/store.js';
import { approveRequest, listPairing, rejectRequest, removeDevice, revokeToken, rotateToken } from './operations.js';

/** device.pair.* and device.token.*: thin bindings of the pairing operations the CLI fallback also uses. */
export function pairingMethods(store: Store): readonly MethodImpl[] {
  return [
  implement(devicePairList, () => listPairing(store, Date.now())),
  implement(devicePairApprove, (p, { caller }) => approveRequest(store, p.requestId, caller, Date.now())),
  implement(devicePairReject, (p, { caller }) => rejectRequest(store, p.requestId, caller, Date.now())),
  implement(devicePairRemove, (p, { caller }) => removeDevice(store, p.deviceId, caller, Date.now())),
  implement(deviceTokenRotate, (p, { caller }) => rotateToken(store, p, caller, Date.now())),
  implement(deviceTokenRevoke, (p, { caller }) => revokeToken(store, p, caller, Date.now())),
  ];
}
