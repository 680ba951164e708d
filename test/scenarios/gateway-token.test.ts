// Scenarios TD-MULTI-SOURCE-PRECEDENCE and the start-up half of SL-PLACEHOLDER-AND-ECHO
// (../shared/scenarios.md, groups D and H), plus `clawgate gateway token rotate`.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, makeStateDir, randomToken, runCli, startGateway, type RunningGateway } from '../helpers/gateway-process.js';

const gateways: RunningGateway[] = [];
after(async () => {
  for (const gw of gateways) await gw.stop();
});

const fp = (token: string) => `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;

async function status(stateDir: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<any> {
  const res = await runCli([...args, 'status', '--json'], { stateDir, env });
  return { ...JSON.parse(res.stdout), exitCode: res.code };
}

describe('TD-MULTI-SOURCE-PRECEDENCE', () => {
  test('TD-MULTI-SOURCE-PRECEDENCE: config only: both sides agree, no finding', async () => {
    const gw = await startGateway();
    gateways.push(gw);
    const s = await status(gw.stateDir);
    assert.equal(s.exitCode, 0);
    assert.deepEqual(s.gateway.auth.token, { source: 'config', fingerprint: fp(gw.token!) });
    assert.deepEqual(s.cli.token, { source: 'config', fingerprint: fp(gw.token!) });
    assert.deepEqual(s.findings, []);
  });

  test('TD-MULTI-SOURCE-PRECEDENCE: env beats config on the gateway; the CLI on config is refused and the drift is named once', async () => {
    const envToken = randomToken();
    const gw = await startGateway({ env: { CLAWGATE_GATEWAY_TOKEN: envToken } });
    gateways.push(gw);
    const s = await status(gw.stateDir);
    assert.equal(s.exitCode, 4, 'the CLI sends the config token, which the gateway no longer uses');
    assert.equal(s.error.code, 'AUTH_TOKEN_MISMATCH');
    assert.deepEqual(s.gatewayAuth.token, { source: 'env', fingerprint: fp(envToken) });
    assert.equal(s.findings.length, 1);
    assert.equal(s.findings[0].id, 'gateway-token-drift');
    assert.match(s.findings[0].message, new RegExp(`${fp(envToken)} \\(from env\\).*${fp(gw.token!)} \\(from config\\)`));
    // The same env on the CLI side resolves the same way: agreement, no finding.
    const same = await status(gw.stateDir, { CLAWGATE_GATEWAY_TOKEN: envToken });
    assert.equal(same.exitCode, 0);
    assert.deepEqual(same.cli.token, { source: 'env', fingerprint: fp(envToken) });
    assert.deepEqual(same.findings, []);
  });

  test('TD-MULTI-SOURCE-PRECEDENCE: --token beats env and config on both sides; equal values from different sources never warn', async () => {
    const flagToken = randomToken();
    const gw = await startGateway({ args: ['--token', flagToken], env: { CLAWGATE_GATEWAY_TOKEN: randomToken() } });
    gateways.push(gw);
    const viaFlag = await status(gw.stateDir, {}, ['--token', flagToken]);
    assert.equal(viaFlag.exitCode, 0);
    assert.equal(viaFlag.gateway.auth.token.source, 'flag');
    assert.equal(viaFlag.cli.token.source, 'flag');
    assert.deepEqual(viaFlag.findings, []);
    const viaEnv = await status(gw.stateDir, { CLAWGATE_GATEWAY_TOKEN: flagToken });
    assert.equal(viaEnv.cli.token.source, 'env');
    assert.deepEqual(viaEnv.findings, [], 'same value, different source: no warning');
  });
});

describe('gateway token safety', () => {
  test('SL-PLACEHOLDER-AND-ECHO: a token copied from docs or examples, or too short, is refused at start', async () => {
    for (const token of ['changeme', 'your-gateway-token', createHash('sha256').update('x').digest('hex').slice(0, 40)]) {
      const stateDir = makeStateDir({ gateway: { port: await freePort(), auth: { mode: 'token', token } } });
      const res = await runCli(['gateway', 'run'], { stateDir });
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, /refusing to start: the gateway token from gateway\.auth\.token in config is unsafe/);
      assert.match(res.stderr, /clawgate gateway token rotate/);
      assert.ok(!res.stderr.includes(token) && !res.stdout.includes(token), 'the refused token is not echoed');
    }
    const stateDir = makeStateDir({ gateway: { port: await freePort() } });
    const env = await runCli(['gateway', 'run'], { stateDir, env: { CLAWGATE_GATEWAY_TOKEN: 'changeme' } });
    assert.equal(env.code, 2);
    assert.match(env.stderr, /from CLAWGATE_GATEWAY_TOKEN is unsafe/);
  });

  test('gateway token rotate: new token in config, the running gateway uses it, nothing printed but fingerprints', async () => {
    const gw = await startGateway();
    gateways.push(gw);
    const res = await runCli(['gateway', 'token', 'rotate', '--json'], { stateDir: gw.stateDir });
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    const config = JSON.parse(readFileSync(join(gw.stateDir, 'clawgate.json'), 'utf8'));
    const next: string = config.gateway.auth.token;
    assert.notEqual(next, gw.token);
    assert.equal(out.oldFingerprint, fp(gw.token!));
    assert.equal(out.newFingerprint, fp(next));
    assert.equal(out.gateway.applied, true);
    assert.ok(!res.stdout.includes(next) && !res.stderr.includes(next));
    const s = await status(gw.stateDir);
    assert.equal(s.exitCode, 0);
    assert.equal(s.gateway.auth.token.fingerprint, fp(next));
    const stale = await status(gw.stateDir, {}, ['--token', gw.token!]);
    assert.equal(stale.exitCode, 4, 'the old token no longer works');
    const show = await runCli(['gateway', 'token', 'show', '--show-secret'], { stateDir: gw.stateDir });
    assert.equal(show.code, 2, 'never printed to a pipe');
    assert.ok(!show.stdout.includes(next));
  });
});
