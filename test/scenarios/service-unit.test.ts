// Scenario TD-UNIT-EMBEDDED-SECRET (../shared/scenarios.md, group D): the generated service definition
// holds no secret, and a token changed in config is what the gateway uses after a restart.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, makeStateDir, randomToken, runCli } from '../helpers/gateway-process.js';

let stateDir: string | undefined;
after(async () => {
  if (stateDir) await runCli(['gateway', 'stop'], { stateDir });
});

/** The token and the encodings a careless generator might embed it in. */
function encodings(token: string): string[] {
  return [token, Buffer.from(token).toString('base64'), Buffer.from(token).toString('base64url'), Buffer.from(token).toString('hex'), encodeURIComponent(token), token.slice(0, 12)];
}

test('TD-UNIT-EMBEDDED-SECRET: no secret in the unit; a config token change applies on restart', { timeout: 60_000 }, async () => {
  const first = randomToken();
  stateDir = makeStateDir({ gateway: { port: await freePort(), auth: { mode: 'token', token: first } } });
  const home = mkdtempSync(join(tmpdir(), 'cg-home-'));
  const texts: string[] = [];
  for (const format of ['systemd', 'launchd']) {
    const printed = await runCli(['gateway', 'service', '--format', format], { stateDir });
    assert.equal(printed.code, 0, printed.stderr);
    assert.ok(printed.stdout.includes(stateDir), 'the unit names the state dir');
    texts.push(printed.stdout);
    const written = await runCli(['gateway', 'service', '--format', format, '--write'], { stateDir, env: { HOME: home, CLAWGATE_GATEWAY_TOKEN: randomToken() } });
    assert.equal(written.code, 0, written.stderr);
    const path = written.stdout.match(/^wrote (\S+);/)![1]!;
    texts.push(readFileSync(path, 'utf8'));
  }
  for (const text of texts) for (const e of encodings(first)) assert.ok(!text.includes(e), 'no encoding of the token in a service definition');
  assert.match(texts[0]!, /RestartPreventExitStatus=2 7 10/);

  assert.equal((await runCli(['gateway', 'start'], { stateDir })).code, 0);
  const second = randomToken();
  assert.equal((await runCli(['config', 'set', 'gateway.auth.token', second], { stateDir })).code, 0);
  assert.equal((await runCli(['gateway', 'restart'], { stateDir })).code, 0);
  const status = await runCli(['status', '--json'], { stateDir });
  assert.equal(status.code, 0, status.stderr);
  const fp = `sha256:${createHash('sha256').update(second).digest('hex').slice(0, 12)}`;
  assert.equal(JSON.parse(status.stdout).gateway.auth.token.fingerprint, fp);
  assert.equal((await runCli(['--token', first, 'health'], { stateDir })).code, 4, 'the old token is gone');
});
