import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceRecord } from '../../src/store/devices.js';
import { Store } from '../../src/store/store.js';

/** A real store in a temp dir, closed and removed when the test ends. */
export function tempStore(t: TestContext): Store {
  const dir = mkdtempSync(join(tmpdir(), 'cg-store-'));
  const store = Store.open(join(dir, 'state.db'));
  t.after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

/** A minimal paired-device record for store-level tests. */
export function deviceRecord(deviceId: string, over: Partial<DeviceRecord> = {}): DeviceRecord {
  return { deviceId, publicKey: `pk-${deviceId}`, roles: ['operator'], approvedScopes: ['operator.read'], createdAtMs: 100, approvedAtMs: 200, ...over };
}
