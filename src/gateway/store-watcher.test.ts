import { approvalEffects } from '../approvals/approval-effects.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { statePathsOf } from '../config/paths.js';
import { APPROVED_NOTICE, channelPairingEffects } from '../channels/pairing-effects.js';
import { approvePairingCode, rejectPairingCode, requestPairingCode } from '../channels/pairing.js';
import type { ChannelTarget } from '../channels/channel.js';
import { LOCAL_OWNER } from '../pairing/actor.js';
import { approveRequest, rotateToken } from '../pairing/operations.js';
import { DEVICE_PAIRING_EFFECTS } from '../pairing/pairing-effects.js';
import { AUDIT_KINDS } from '../store/audit.js';
import { Store } from '../store/store.js';
import { joinEffectTables, StoreWatcher } from './store-watcher.js';
import { startInProcess, type InProcessGateway } from '../../test/helpers/in-process.js';
import { makeDevice, rawConnect, rpc } from '../../test/helpers/raw-client.js';

let gw: InProcessGateway;
before(async () => {
  gw = await startInProcess();
});
after(async () => {
  await gw.close();
});

function nextEvent(ws: WebSocket, name: string, timeoutMs = 3000): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event within ${timeoutMs}ms`)), timeoutMs);
    const on = (d: Buffer) => {
      const f = JSON.parse(d.toString());
      if (f.type === 'event' && f.event === name) {
        clearTimeout(timer);
        ws.off('message', on);
        resolve(f);
      }
    };
    ws.on('message', on);
  });
}

async function operator(scopes: string[]): Promise<WebSocket> {
  const { ws, response } = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes });
  assert.equal(response?.ok, true);
  return ws;
}

describe('pairing events and credential closes', () => {
  test('a pending request is announced to pairing operators only, with a seq', async () => {
    const admin = await operator(['operator.pairing']);
    const reader = await operator(['operator.read']);
    let readerSaw = false;
    reader.on('message', (d) => {
      if (JSON.parse(d.toString()).event === 'device.pair.requested') readerSaw = true;
    });
    const requested = nextEvent(admin, 'device.pair.requested');
    const device = makeDevice();
    const { response } = await rawConnect(gw.url, { device, scopes: ['operator.read'] });
    assert.equal(response?.error.details.code, 'PAIRING_REQUIRED');
    // operator.pairing alone may not grant operator.read: approving needs the scopes it grants.
    const escalation = await rpc(admin, 'device.pair.approve', { requestId: response?.error.details.requestId });
    assert.equal(escalation.error.details.code, 'SCOPE_ESCALATION');
    const event = await requested;
    assert.equal(event.payload.deviceId, device.deviceId);
    assert.equal(event.payload.requestId, response?.error.details.requestId);
    assert.equal(typeof event.seq, 'number');
    const resolved = nextEvent(admin, 'device.pair.resolved');
    const root = await operator(['operator.admin']);
    const approved = await rpc(root, 'device.pair.approve', { requestId: event.payload.requestId.slice(0, 8) });
    root.close();
    assert.equal(approved.ok, true);
    assert.deepEqual(Object.keys((await resolved).payload).sort(), ['decision', 'deviceId', 'requestId', 'ts']);
    assert.equal(readerSaw, false);
    admin.close();
    reader.close();
  });

  test('an approval written directly to the store by another process is announced too', async () => {
    const admin = await operator(['operator.admin']);
    const device = makeDevice();
    const { response } = await rawConnect(gw.url, { device, scopes: [] });
    const requestId = response?.error.details.requestId as string;
    const resolved = nextEvent(admin, 'device.pair.resolved');
    const other = Store.open(statePathsOf(gw.stateDir).dbPath);
    try {
      approveRequest(other, requestId, LOCAL_OWNER, Date.now());
    } finally {
      other.close();
    }
    const event = await resolved;
    assert.equal(event.payload.requestId, requestId);
    assert.equal(event.payload.decision, 'approved');
    const again = await rawConnect(gw.url, { device, scopes: [] });
    assert.equal(again.response?.ok, true, 'the gateway reads the store, not a cached copy');
    assert.match(again.response?.payload.auth.deviceToken, /^[A-Za-z0-9_-]{43}$/);
    again.ws.close();
    admin.close();
  });

  test('rotating a device token closes its live sockets for that role with 4001', async () => {
    const device = makeDevice();
    const first = await rawConnect(gw.url, { device, auth: { token: gw.token! }, scopes: ['operator.read'] });
    assert.equal(first.response?.ok, true);
    const other = Store.open(statePathsOf(gw.stateDir).dbPath);
    try {
      rotateToken(other, { deviceId: device.deviceId, role: 'operator' }, LOCAL_OWNER, Date.now());
    } finally {
      other.close();
    }
    const closed = await first.closed;
    assert.equal(closed.code, 4001);
    assert.match(closed.reason, /rotated/);
  });

  test('revoking over RPC closes the device after the response', async () => {
    const device = makeDevice();
    const target = await rawConnect(gw.url, { device, auth: { token: gw.token! }, scopes: ['operator.read'] });
    const admin = await operator(['operator.admin']);
    const res = await rpc(admin, 'device.token.revoke', { deviceId: device.deviceId, role: 'operator' });
    assert.equal(res.ok, true);
    const closed = await target.closed;
    assert.equal(closed.code, 4001);
    assert.match(closed.reason, /revoked/);
    admin.close();
  });
});

/** Run fn on a second handle of the gateway's state.db, as the CLI's store fallback does. */
function inOtherProcess<T>(fn: (store: Store) => T): T {
  const other = Store.open(statePathsOf(gw.stateDir).dbPath);
  try {
    return fn(other);
  } finally {
    other.close();
  }
}

const SENDER = { channel: 'telegram', senderId: '555', senderName: '@carol', chatId: '555' };

describe('the effect table', () => {
  test('every audit kind but auth.failed has exactly one effect, logged by the gateway; a kind claimed twice fails at start', () => {
    const table = joinEffectTables(DEVICE_PAIRING_EFFECTS, channelPairingEffects({ deliver: async () => undefined }), approvalEffects({ onAuditRow: () => undefined }));
    assert.deepEqual(AUDIT_KINDS.filter((k) => !table[k]?.logAs), ['auth.failed']);
    assert.throws(() => joinEffectTables(DEVICE_PAIRING_EFFECTS, { 'token.revoked': {} }), /token\.revoked has two effects/);
    assert.throws(() => joinEffectTables(approvalEffects({ onAuditRow: () => undefined }), { 'exec.approval.resolved': {} }), /exec\.approval\.resolved has two effects/);
  });

  test('a new DM code and its approval or rejection, written by another process, reach pairing operators only', async () => {
    const admin = await operator(['operator.pairing']);
    const reader = await operator(['operator.read']);
    const readerSaw: string[] = [];
    reader.on('message', (d) => {
      const f = JSON.parse(d.toString());
      if (f.type === 'event' && String(f.event).startsWith('channel.')) readerSaw.push(f.event);
    });
    const requested = nextEvent(admin, 'channel.pairing.requested');
    const issued = inOtherProcess((store) => requestPairingCode(store, SENDER, Date.now()));
    if (issued.kind !== 'issued') return assert.fail(issued.kind);
    const event = await requested;
    assert.deepEqual(event.payload, { ...issued.request });
    assert.equal(typeof event.seq, 'number');
    const approved = nextEvent(admin, 'channel.pairing.resolved');
    inOtherProcess((store) => approvePairingCode(store, 'telegram', issued.request.code, LOCAL_OWNER.label, Date.now()));
    const resolved = (await approved).payload;
    assert.deepEqual({ ...resolved, ts: 0 }, { channel: 'telegram', code: issued.request.code, senderId: '555', decision: 'approved', ts: 0 });
    const other = inOtherProcess((store) => requestPairingCode(store, { ...SENDER, senderId: '556', chatId: '556' }, Date.now()));
    if (other.kind !== 'issued') return assert.fail(other.kind);
    const rejected = nextEvent(admin, 'channel.pairing.resolved');
    inOtherProcess((store) => rejectPairingCode(store, 'telegram', other.request.code, LOCAL_OWNER.label, Date.now()));
    assert.equal((await rejected).payload.decision, 'rejected');
    assert.deepEqual(readerSaw, []);
    admin.close();
    reader.close();
  });

  test('the approval notice goes out once per approval row, and a watcher started later replays nothing', () => {
    const sent: { target: ChannelTarget; text: string }[] = [];
    const channels = { deliver: async (target: ChannelTarget, text: string) => void sent.push({ target, text }) };
    const approve = (senderId: string) =>
      inOtherProcess((store) => {
        const r = requestPairingCode(store, { ...SENDER, senderId, chatId: `chat-${senderId}` }, Date.now());
        if (r.kind !== 'issued') return assert.fail(r.kind);
        approvePairingCode(store, 'telegram', r.request.code, LOCAL_OWNER.label, Date.now());
      });
    approve('601');
    // Like a gateway (re)started after that approval: it starts at the log's end.
    const watcher = new StoreWatcher(gw.store, new Set(), gw.context.broadcaster, channels);
    watcher.poll();
    assert.deepEqual(sent, []);
    approve('602');
    watcher.poll();
    watcher.poll();
    assert.deepEqual(sent, [{ target: { channel: 'telegram', to: 'chat-602' }, text: APPROVED_NOTICE }]);
  });
});
