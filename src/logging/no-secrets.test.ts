import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startGateway, type RunningGateway } from '../../test/helpers/gateway-process.js';
import { makeDevice, rawConnect } from '../../test/helpers/raw-client.js';

// SL-PRINTED-SECRETS, the log half: a canary gateway token and a canary wrong token never reach a log
// file, the gateway's console, or `clawgate logs`, whole or in any 8-character piece.
const CANARY_GATEWAY = `CANARYgw${randomBytes(30).toString('base64url')}`;
const CANARY_WRONG = `CANARYwr${randomBytes(30).toString('base64url')}`;
const PIECE = 8;

let gw: RunningGateway | undefined;
after(async () => {
  if (gw) {
    await gw.stop();
    rmSync(gw.stateDir, { recursive: true, force: true });
  }
});

function pieces(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + PIECE <= secret.length; i++) out.push(secret.slice(i, i + PIECE));
  return out;
}

function assertClean(where: string, text: string): void {
  for (const [name, canary] of [['gateway token', CANARY_GATEWAY], ['wrong token', CANARY_WRONG]] as const) {
    const leaked = pieces(canary).find((p) => text.includes(p));
    assert.equal(leaked, undefined, `${where} contains a piece of the canary ${name}`);
  }
}

test('the canary gateway token and a canary wrong token never reach the logs, the console or clawgate logs', async () => {
  gw = await startGateway({ token: CANARY_GATEWAY, env: { CLAWGATE_LOG_LEVEL: 'trace' } });
  // Every slot a wrong secret can arrive in: shared token, device token, signed connect, password, URL, header.
  const attempts = [
    rawConnect(gw.url, { auth: { token: CANARY_WRONG } }),
    rawConnect(gw.url, { device: makeDevice(), auth: { token: CANARY_WRONG }, scopes: ['operator.read'] }),
    rawConnect(gw.url, { device: makeDevice(), auth: { deviceToken: CANARY_WRONG }, scopes: ['operator.read'] }),
    rawConnect(gw.url, { auth: { password: CANARY_WRONG } }),
    rawConnect(`${gw.url}/?token=${CANARY_WRONG}`, { headers: { authorization: `Bearer ${CANARY_WRONG}` } }),
  ];
  const codes = [];
  for (const a of attempts) {
    const { response, ws } = await a;
    codes.push(response?.error?.details?.code);
    ws.close();
  }
  assert.ok(codes.includes('AUTH_TOKEN_MISMATCH'), codes.join(','));
  // A good connect too, so success paths log their lines as well.
  const ok = await rawConnect(gw.url, { device: makeDevice(), auth: { token: CANARY_GATEWAY }, scopes: ['operator.admin'] });
  assert.equal(ok.response?.ok, true);
  ok.ws.close();

  const viaGateway = await runCli(['logs', '--json', '--limit', '1000'], { stateDir: gw.stateDir });
  assert.equal(viaGateway.code, 0, viaGateway.stderr);
  assert.match(viaGateway.stdout, /handshake rejected/);
  const wrongCli = await runCli(['logs', '--limit', '1000'], { stateDir: gw.stateDir, env: { CLAWGATE_GATEWAY_TOKEN: CANARY_WRONG } });
  assert.equal(gw && (await gw.stop()), 0);
  const fromFiles = await runCli(['logs', '--json', '--limit', '1000'], { stateDir: gw.stateDir });
  assert.match(fromFiles.stderr, /gateway is not running/);

  const logsDir = join(gw.stateDir, 'logs');
  const files = readdirSync(logsDir);
  assert.ok(files.length >= 1);
  const fileText = files.map((f) => readFileSync(join(logsDir, f), 'utf8')).join('');
  assert.match(fileText, /"msg":"handshake rejected"/);
  assert.match(fileText, /"level":"debug"/, 'trace level logged everything there is');
  for (const f of files) assert.equal(statSync(join(logsDir, f)).mode & 0o777, 0o600);
  assertClean('the log files', fileText);
  assertClean('the gateway console', gw.output());
  assertClean('clawgate logs (through the gateway)', viaGateway.stdout + viaGateway.stderr);
  assertClean('clawgate logs (with a wrong token)', wrongCli.stdout + wrongCli.stderr);
  assertClean('clawgate logs (from the files)', fromFiles.stdout + fromFiles.stderr);
});
