import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess, type InProcessGateway } from '../../test/helpers/in-process.js';
import { makeDevice, rawConnect, type ConnectSpec, type TestDevice } from '../../test/helpers/raw-client.js';
import { LOCAL_OWNER } from '../pairing/actor.js';
import { removeDevice, revokeToken, rotateToken } from '../pairing/operations.js';

// Every refusal names its real cause: one row per cause, over a real socket to a real gateway (port 0, real
// SQLite). Each row sets up the state, connects, and checks the wire code (what OpenClaw clients expect), the
// precise details.code, that the message blames only the credential or record at fault and names the next
// command, and the close.

let gw: InProcessGateway;
before(async () => {
  gw = await startInProcess();
});
after(async () => {
  await gw.close();
});

/** The phrase each cause's message leads with; a message must carry its own and no other. */
const BLAME = {
  gatewayToken: 'gateway token mismatch',
  deviceToken: 'device token mismatch',
  rotated: 'device token rotated',
  revoked: 'device token revoked',
  removed: 'was removed from this gateway',
  keyChanged: 'new device key for',
  roleUpgrade: 'role upgrade',
  scopeUpgrade: 'scope upgrade',
  clock: 'device clock is',
  expired: 'expired at',
  notPaired: 'pairing required (request',
} as const;
type Blame = keyof typeof BLAME;

/** Pair a device on loopback with the gateway token (auto-approved); returns its delivered token. */
async function pair(device: TestDevice, scopes: string[], extra: Partial<ConnectSpec> = {}): Promise<string> {
  const { ws, response } = await rawConnect(gw.url, { device, scopes, auth: { token: gw.token! }, ...extra });
  assert.equal(response?.ok, true, JSON.stringify(response?.error));
  ws.close();
  return response!.payload.auth.deviceToken as string;
}

interface Row {
  name: string;
  /** Sets up the store and returns the connect to make (never with the gateway token unless the row is about it). */
  setup: () => Promise<ConnectSpec>;
  wire: 'INVALID_REQUEST' | 'NOT_PAIRED';
  code: string;
  blame: Blame;
  /** The next command (or step) the message must name. */
  next: RegExp;
  close: RegExp;
  check?: (details: Record<string, any>) => void;
}

const displayName = (name: string) => (p: Record<string, any>) => {
  p['client'].displayName = name; // not part of the signed payload
};

const rows: Row[] = [
  {
    name: 'wrong gateway token',
    setup: async () => {
      const device = makeDevice();
      const deviceToken = await pair(device, ['operator.read']);
      return { device, scopes: ['operator.read'], auth: { token: 'not-the-gateway-token-at-all-0123456789', deviceToken } };
    },
    wire: 'INVALID_REQUEST',
    code: 'AUTH_TOKEN_MISMATCH',
    blame: 'gatewayToken',
    next: /gateway\.remote\.token|provide gateway auth token/,
    close: /^unauthorized: gateway token mismatch/,
  },
  {
    name: 'a device token the gateway never issued',
    setup: async () => {
      const device = makeDevice();
      const deviceToken = await pair(device, ['operator.read']);
      // Presented back once, the token is confirmed: from then on only it (or the gateway token) is accepted.
      const confirm = await rawConnect(gw.url, { device, scopes: ['operator.read'], auth: { deviceToken } });
      assert.equal(confirm.response?.ok, true);
      confirm.ws.close();
      return { device, scopes: ['operator.read'], auth: { deviceToken: 'x'.repeat(43) } };
    },
    wire: 'INVALID_REQUEST',
    code: 'AUTH_DEVICE_TOKEN_MISMATCH',
    blame: 'deviceToken',
    next: /connect once with the gateway token.*clawgate devices revoke --device/,
    close: /^unauthorized: device token mismatch/,
  },
  {
    name: 'rotated device token',
    setup: async () => {
      const device = makeDevice();
      const old = await pair(device, ['operator.read']);
      rotateToken(gw.store, { deviceId: device.deviceId, role: 'operator' }, LOCAL_OWNER, Date.now());
      return { device, scopes: ['operator.read'], auth: { deviceToken: old } };
    },
    wire: 'NOT_PAIRED',
    code: 'DEVICE_TOKEN_ROTATED',
    blame: 'rotated',
    next: /clawgate devices approve [0-9a-f]{8}, or connect once with the gateway token/,
    close: /^device token rotated; pairing required: run clawgate devices approve [0-9a-f]{8}$/,
    check: (d) => assert.equal(typeof d['retiredAtMs'], 'number'),
  },
  {
    name: 'revoked device token',
    setup: async () => {
      const device = makeDevice();
      const old = await pair(device, ['operator.read']);
      revokeToken(gw.store, { deviceId: device.deviceId, role: 'operator' }, LOCAL_OWNER, Date.now());
      return { device, scopes: ['operator.read'], auth: { deviceToken: old } };
    },
    wire: 'NOT_PAIRED',
    code: 'DEVICE_TOKEN_REVOKED',
    blame: 'revoked',
    next: /clawgate devices approve [0-9a-f]{8}, or connect once with the gateway token/,
    close: /^device token revoked; pairing required: run clawgate devices approve [0-9a-f]{8}$/,
    check: (d) => assert.equal(d['reason'], 'token-revoked', 'not a role upgrade: nobody asked for one'),
  },
  {
    name: 'removed device',
    setup: async () => {
      const device = makeDevice();
      const old = await pair(device, ['operator.read']);
      removeDevice(gw.store, device.deviceId, LOCAL_OWNER, Date.now());
      return { device, scopes: ['operator.read'], auth: { deviceToken: old } };
    },
    wire: 'NOT_PAIRED',
    code: 'DEVICE_REMOVED',
    blame: 'removed',
    next: /clawgate devices approve [0-9a-f]{8} to pair it again/,
    close: /^device removed; pairing required: run clawgate devices approve/,
  },
  {
    name: 'a new key for a known device (same client id and display name)',
    setup: async () => {
      const known = makeDevice();
      await pair(known, ['operator.read'], { clientId: 'laptop-cli', tamper: displayName('Ada laptop') });
      return { device: makeDevice(), scopes: ['operator.read'], clientId: 'laptop-cli', tamper: displayName('Ada laptop') };
    },
    wire: 'NOT_PAIRED',
    code: 'DEVICE_KEY_CHANGED',
    blame: 'keyChanged',
    next: /clawgate devices approve [0-9a-f]{8}, then clawgate devices remove [0-9a-f]{12} if the old key is gone/,
    close: /^new device key; pairing required: run clawgate devices approve/,
    check: (d) => assert.match(d['knownDeviceId'], /^[0-9a-f]{64}$/),
  },
  {
    name: 'scope upgrade',
    setup: async () => {
      const device = makeDevice();
      const deviceToken = await pair(device, ['operator.read']);
      return { device, scopes: ['operator.read', 'operator.write'], auth: { deviceToken } };
    },
    wire: 'NOT_PAIRED',
    code: 'PAIRING_SCOPE_UPGRADE',
    blame: 'scopeUpgrade',
    next: /clawgate devices approve [0-9a-f]{8}, or connect asking only for approved scopes/,
    close: /^scope upgrade; pairing required: run clawgate devices approve/,
    check: (d) => assert.deepEqual(d['missing'], ['operator.write']),
  },
  {
    name: 'role upgrade',
    setup: async () => {
      const device = makeDevice();
      await pair(device, ['operator.read']);
      return { device, role: 'node' };
    },
    wire: 'NOT_PAIRED',
    code: 'PAIRING_ROLE_UPGRADE',
    blame: 'roleUpgrade',
    next: /asks for role "node" but is approved only for operator; .*clawgate devices approve [0-9a-f]{8}/,
    close: /^role upgrade; pairing required: run clawgate devices approve/,
  },
  {
    name: 'clock skew (the device clock 5 minutes ahead)',
    setup: async () => ({ device: makeDevice(), scopes: ['operator.read'], signedAt: Date.now() + 300_000 }),
    wire: 'INVALID_REQUEST',
    code: 'DEVICE_CLOCK_SKEW',
    blame: 'clock',
    next: /\d+ s ahead of the gateway's \(skew \d+ ms, allowed ±120000 ms\); set the device's clock right/,
    close: /^device signature expired \(clock skew \+\d+ s\)$/,
    check: (d) => {
      assert.ok(d['skewMs'] > 120_000, `measured skew ${d['skewMs']} ms`);
      assert.equal(d['allowedSkewMs'], 120_000);
    },
  },
  {
    name: 'expired pairing request',
    setup: async () => {
      const device = makeDevice();
      const first = await rawConnect(gw.url, { device, scopes: ['operator.read'] });
      expiredId = first.response!.error.details.requestId;
      await first.closed;
      gw.store.db.prepare('UPDATE pending_requests SET expires_at_ms = ? WHERE request_id = ?').run(Date.now() - 1, expiredId);
      return { device, scopes: ['operator.read'] };
    },
    wire: 'NOT_PAIRED',
    code: 'PAIRING_REQUEST_EXPIRED',
    blame: 'expired',
    next: /without approval; new pairing required \(request [0-9a-f-]{36}, not-paired\): on the gateway host run clawgate devices approve [0-9a-f]{8}/,
    close: /^request expired; pairing required: run clawgate devices approve/,
    check: (d) => {
      assert.equal(d['expiredRequestId'], expiredId);
      assert.notEqual(d['requestId'], expiredId);
    },
  },
  {
    name: 'a new device',
    setup: async () => ({ device: makeDevice(), scopes: ['operator.read'] }),
    wire: 'NOT_PAIRED',
    code: 'PAIRING_REQUIRED',
    blame: 'notPaired',
    next: /on the gateway host run clawgate devices approve [0-9a-f]{8}$/,
    close: /^pairing required: run clawgate devices approve [0-9a-f]{8}$/,
  },
];
let expiredId = '';

test('every refusal names its real cause: wire code, details.code, the credential at fault, the next command, the close', async () => {
  for (const row of rows) {
    const spec = await row.setup();
    const { response, closed } = await rawConnect(gw.url, spec);
    const error = response?.error;
    assert.equal(response?.ok, false, `${row.name}: refused`);
    assert.equal(error.code, row.wire, `${row.name}: wire code`);
    assert.equal(error.details.code, row.code, `${row.name}: details.code (${error.message})`);
    assert.ok(error.message.includes(BLAME[row.blame]), `${row.name}: the message blames ${row.blame}: ${error.message}`);
    for (const [other, phrase] of Object.entries(BLAME)) {
      if (other !== row.blame && other !== 'notPaired' && other !== 'expired') assert.ok(!error.message.includes(phrase), `${row.name}: the message does not blame ${other}: ${error.message}`);
    }
    assert.match(error.message, row.next, `${row.name}: names the next step`);
    const close = await closed;
    assert.equal(close.code, 1008, `${row.name}: close code`);
    assert.match(close.reason, row.close, `${row.name}: close reason`);
    assert.ok(Buffer.byteLength(close.reason) <= 120, `${row.name}: the close reason fits a close frame`);
    row.check?.(error.details);
    if (row.wire === 'NOT_PAIRED') {
      // OpenClaw clients look for "pairing required"; every pending cause keeps it, with the request id.
      assert.match(error.message, /pairing required/);
      assert.match(error.details.requestId, /^[0-9a-f-]{36}$/);
      // A retry names the same request: one stable request per device, never a new one each time.
      const again = await rawConnect(gw.url, spec);
      assert.equal(again.response?.error.details.requestId, error.details.requestId, `${row.name}: stable request id`);
      await again.closed;
    }
  }
});
