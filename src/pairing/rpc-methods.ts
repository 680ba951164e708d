import {
  dashboardLinkCreate,
  devicePairApprove,
  devicePairList,
  devicePairReject,
  devicePairRemove,
  deviceTokenRevoke,
  deviceTokenRotate,
} from '../protocol/methods/index.js';
import { implement, type MethodImpl } from '../protocol/methods/define.js';
import type { Store } from '../store/store.js';
import type { BootstrapCodes } from './bootstrap-codes.js';
import { approveRequest, listPairing, rejectRequest, removeDevice, revokeToken, rotateToken } from './operations.js';

/** device.pair.*, device.token.* and dashboard.link.create: thin bindings of the pairing operations and codes. */
export function pairingMethods(store: Store, codes: BootstrapCodes): readonly MethodImpl[] {
  return [
  // The code grants what its issuer holds (the method needs operator.admin, so: everything a dashboard asks).
  implement(dashboardLinkCreate, (_p, { caller }) => {
    const issued = codes.issue(caller.scopes, caller.label, Date.now());
    return { code: issued.code, expiresAtMs: issued.expiresAtMs, scopes: [...issued.scopes] };
  }),
  implement(devicePairList, () => listPairing(store, Date.now())),
  implement(devicePairApprove, (p, { caller }) => approveRequest(store, p.requestId, caller, Date.now())),
  implement(devicePairReject, (p, { caller }) => rejectRequest(store, p.requestId, caller, Date.now())),
  implement(devicePairRemove, (p, { caller }) => removeDevice(store, p.deviceId, caller, Date.now())),
  implement(deviceTokenRotate, (p, { caller }) => rotateToken(store, p, caller, Date.now())),
  implement(deviceTokenRevoke, (p, { caller }) => revokeToken(store, p, caller, Date.now())),
  ];
}
