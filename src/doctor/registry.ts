import { clock } from './checks/clock.js';
import { configValid } from './checks/config-valid.js';
import { diskSpace } from './checks/disk-space.js';
import { deviceTokenCache } from './checks/device-token-cache.js';
import { execSandbox } from './checks/exec-sandbox.js';
import { expiredRequests } from './checks/expired-requests.js';
import { gatewayLock } from './checks/gateway-lock.js';
import { gatewayToken } from './checks/gateway-token.js';
import { logsWritable } from './checks/logs-writable.js';
import { modelProviders } from './checks/model-providers.js';
import { pendingRequests } from './checks/pending-requests.js';
import { portOwner } from './checks/port-owner.js';
import { stateDirPermissions } from './checks/state-dir-permissions.js';
import { storeIntegrity } from './checks/store-integrity.js';
import { telegramChannel } from './checks/telegram-channel.js';
import { transcriptIntegrity } from './checks/transcript-integrity.js';
import type { DoctorCheck } from './types.js';

/** Every doctor check, in report order (docs/doctor.md lists the same). */
export const CHECKS: readonly DoctorCheck[] = [
  configValid,
  stateDirPermissions,
  diskSpace,
  storeIntegrity,
  transcriptIntegrity,
  gatewayLock,
  portOwner,
  gatewayToken,
  deviceTokenCache,
  pendingRequests,
  expiredRequests,
  logsWritable,
  modelProviders,
  execSandbox,
  telegramChannel,
  clock,
];
