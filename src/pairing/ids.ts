import { ClawgateError } from '../protocol/error-catalogue.js';
import type { Store } from '../store/store.js';

/** Resolve a request id or a unique prefix of one. */
export function resolveRequestId(store: Store, idOrPrefix: string, nowMs: number): string {
  if (store.pending.get(idOrPrefix, nowMs)) return idOrPrefix;
  // An empty prefix would match everything: with one request it would silently pick it.
  const ids = idOrPrefix === '' ? [] : store.pending.idsWithPrefix(idOrPrefix, nowMs);
  if (ids.length === 1) return ids[0]!;
  if (ids.length > 1) {
    throw new ClawgateError('AMBIGUOUS_ID', `requestId prefix "${idOrPrefix}" matches several requests; give more characters`, { requestId: idOrPrefix });
  }
  throw new ClawgateError(
    'UNKNOWN_REQUEST_ID',
    `unknown requestId "${idOrPrefix}" (it may have expired or been resolved); run clawgate devices list`,
    { requestId: idOrPrefix },
  );
}

/** Resolve a device id or a unique prefix of one. */
export function resolveDeviceId(store: Store, idOrPrefix: string): string {
  if (store.devices.get(idOrPrefix)) return idOrPrefix;
  const ids = idOrPrefix === '' ? [] : store.devices.idsWithPrefix(idOrPrefix);
  if (ids.length === 1) return ids[0]!;
  if (ids.length > 1) {
    throw new ClawgateError('AMBIGUOUS_ID', `deviceId prefix "${idOrPrefix}" matches several devices; give more characters`, { deviceId: idOrPrefix });
  }
  throw new ClawgateError('UNKNOWN_DEVICE', `unknown deviceId "${idOrPrefix}"; run clawgate devices list`, { deviceId: idOrPrefix });
}
