import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, startGateway, type RunningGateway } from '../helpers/gateway-process.js';
import { makeDevice, rawConnect, rpc, type TestDevice } from '../helpers/raw-client.js';
import { auditRows, cleanup, sha256Hex, tokenRow } from '../helpers/scenario-support.js';

// Section H of scenarios.md: secrets. SL-PLACEHOLDER-AND-ECHO, the echo half (the placeholder-token half and
// SL-PRINTED-SECRETS come with later issues; see README.md).

let gw: RunningGateway;

before(async () => {
  gw = await startGateway();
});
after(async () => {
  await cleanup([gw], []);
});

/** Pair with the gateway token on loopback (auto-approved for exactly `scopes`); returns the minted token. */
async function pair(device: TestDevice, scopes: string[]): Promise<string> {
  const { ws, response } = await rawConnect(gw.url, { device, auth: { token: gw.token! }, scopes });
  assert.equal(response?.ok, true, JSON.stringify(response?.error));
  ws.close();
  return response!.payload.auth.deviceToken as string;
}

/** Every standalone 43-char base64url run (the shape of a device token) in a document. */
function tokenShaped(value: unknown): string[] {
  return (typeof value === 'string' ? value : JSON.stringify(value)).match(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g) ?? [];
}

describe('SL-PLACEHOLDER-AND-ECHO', () => {
  test("SL-PLACEHOLDER-AND-ECHO: a device with only operator.pairing cannot rotate another device's token (FORBIDDEN)", async () => {
    const pairer = makeDevice();
    const victim = makeDevice();
    const pairerToken = await pair(pairer, ['operator.pairing']);
    const victimToken = await pair(victim, ['operator.read']);
    const hashBefore = tokenRow(gw.stateDir, victim.deviceId)!.token_hash;

    const { ws, response } = await rawConnect(gw.url, { device: pairer, auth: { deviceToken: pairerToken }, scopes: ['operator.pairing'] });
    assert.equal(response?.ok, true, JSON.stringify(response?.error));
    for (const method of ['device.token.rotate', 'device.token.revoke']) {
      const res = await rpc(ws, method, { deviceId: victim.deviceId, role: 'operator' });
      assert.equal(res.ok, false, method);
      assert.equal(res.error.code, 'INVALID_REQUEST');
      assert.equal(res.error.details.code, 'FORBIDDEN', method);
      assert.equal(res.error.details.deviceId, victim.deviceId);
      assert.match(res.error.message, /^token (rotation|revocation) of another device needs operator\.admin; this connection may manage only its own device$/);
    }
    // Its own token it may rotate, and only then does the response carry the bearer.
    const own = await rpc(ws, 'device.token.rotate', { deviceId: pairer.deviceId, role: 'operator' });
    assert.equal(own.ok, true, JSON.stringify(own.error));
    assert.equal(own.payload.delivery, 'response');
    assert.equal(sha256Hex(own.payload.token), tokenRow(gw.stateDir, pairer.deviceId)!.token_hash);
    ws.close();

    assert.equal(tokenRow(gw.stateDir, victim.deviceId)!.token_hash, hashBefore, "the victim's token is untouched");
    assert.deepEqual(auditRows(gw.stateDir, ['token.rotated', 'token.revoked'], victim.deviceId), []);
    const still = await rawConnect(gw.url, { device: victim, auth: { deviceToken: victimToken }, scopes: ['operator.read'] });
    assert.equal(still.response?.ok, true, 'the victim still connects with its token');
    still.ws.close();
  });

  test("SL-PLACEHOLDER-AND-ECHO: an admin who rotates another device's token gets no bearer; the old token is refused as rotated, the gateway token converges", async () => {
    const admin = makeDevice();
    const other = makeDevice();
    const adminToken = await pair(admin, ['operator.admin']);
    const oldToken = await pair(other, ['operator.read']);

    // The other device is online: rotation closes its socket with a clear reason.
    const live = await rawConnect(gw.url, { device: other, auth: { deviceToken: oldToken }, scopes: ['operator.read'] });
    assert.equal(live.response?.ok, true);

    const { ws, response } = await rawConnect(gw.url, { device: admin, auth: { deviceToken: adminToken }, scopes: ['operator.admin'] });
    assert.equal(response?.ok, true, JSON.stringify(response?.error));
    const res = await rpc(ws, 'device.token.rotate', { deviceId: other.deviceId, role: 'operator' });
    ws.close();
    assert.equal(res.ok, true, JSON.stringify(res.error));
    assert.deepEqual(Object.keys(res.payload).sort(), ['delivery', 'deviceId', 'role', 'rotatedAtMs', 'scopes']);
    assert.equal(res.payload.delivery, 'next-connect');
    assert.equal(res.payload.token, undefined);
    assert.deepEqual(tokenShaped(res.payload), [], 'nothing token-shaped in the response');
    assert.equal(tokenRow(gw.stateDir, other.deviceId)!.token_hash, null, 'the old token is retired at once');
    assert.deepEqual(await live.closed, { code: 4001, reason: 'device token rotated: reconnect with the gateway token, or approve the request it then makes' });

    // The old token alone is refused as rotated (never re-minted); with the gateway token it converges in one connect.
    const refused = await rawConnect(gw.url, { device: other, auth: { deviceToken: oldToken }, scopes: ['operator.read'] });
    assert.equal(refused.response?.error.details.code, 'DEVICE_TOKEN_ROTATED');
    await refused.closed;
    const next = await rawConnect(gw.url, { device: other, auth: { token: gw.token!, deviceToken: oldToken }, scopes: ['operator.read'] });
    assert.equal(next.response?.ok, true, JSON.stringify(next.response?.error));
    const fresh: string = next.response!.payload.auth.deviceToken;
    assert.notEqual(fresh, oldToken);
    assert.equal(sha256Hex(fresh), tokenRow(gw.stateDir, other.deviceId)!.token_hash);
    assert.deepEqual(next.response!.payload.auth.scopes, ['operator.read']);
    next.ws.close();
    const after = await rawConnect(gw.url, { device: other, auth: { deviceToken: fresh }, scopes: ['operator.read'] });
    assert.equal(after.response?.ok, true);
    assert.equal(after.response!.payload.auth, undefined);
    after.ws.close();
  });

  test("SL-PLACEHOLDER-AND-ECHO: `clawgate devices rotate` of another device prints no token, only that the old token is refused", async () => {
    const other = makeDevice();
    await pair(other, ['operator.read']);
    for (const json of [false, true]) {
      const res = await runCli(['devices', 'rotate', '--device', other.deviceId.slice(0, 12), '--role', 'operator', ...(json ? ['--json'] : [])], { stateDir: gw.stateDir });
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(tokenShaped(res.stdout + res.stderr), [], 'no token-shaped string printed');
      if (json) {
        const doc = JSON.parse(res.stdout);
        assert.equal(doc.delivery, 'next-connect');
        assert.equal(doc.token, undefined);
        assert.equal(doc.fingerprint, undefined);
      } else {
        assert.equal(res.stdout.trim(), `Rotated: the old operator token of device ${other.deviceId.slice(0, 12)} is refused from now on; the device gets a new one by connecting with the gateway token, or after you approve the request it makes (clawgate devices approve); scopes operator.read`);
      }
    }
  });
});
