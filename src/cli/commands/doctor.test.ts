import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, makeStateDir, randomToken, runCli, startGateway, type CliResult } from '../../../test/helpers/gateway-process.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Report {
  checks: { id: string; status: string; summary: string; findings: { id: string; severity: string; message: string; fix?: string; fixable: boolean }[] }[];
  fixed: { check: string; finding: string; ok: boolean; action: string; backup?: string }[];
}
const parse = (r: CliResult) => JSON.parse(r.stdout) as Report;
const allFindings = (r: Report) => r.checks.flatMap((c) => c.findings.map((f) => ({ check: c.id, ...f })));

test('doctor on a healthy install with a running gateway: every check ok, exit 0, one line per check', async () => {
  const gw = await startGateway();
  dirs.push(gw.stateDir);
  try {
    const human = await runCli(['doctor'], { stateDir: gw.stateDir });
    assert.equal(human.code, 0, human.stdout + human.stderr);
    for (const id of ['config-valid', 'state-dir-permissions', 'store-integrity', 'gateway-lock', 'port-owner', 'gateway-token', 'device-token-cache', 'pending-requests', 'expired-requests', 'logs-writable', 'clock']) {
      assert.match(human.stdout, new RegExp(`^✓ ${id}: `, 'm'));
    }
    const json = await runCli(['doctor', '--json'], { stateDir: gw.stateDir });
    const report = parse(json);
    assert.equal(json.code, 0);
    assert.deepEqual(allFindings(report).filter((f) => f.severity === 'error' || f.severity === 'warn'), []);
    assert.match(report.checks.find((c) => c.id === 'gateway-token')!.summary, /matches the gateway's/);
    assert.match(report.checks.find((c) => c.id === 'clock')!.summary, /within \d+ s of the gateway/);
    assert.deepEqual(report.fixed, []);
  } finally {
    await gw.stop();
  }
});

test("doctor on a gateway whose token differs from the CLI's reports exactly one drift finding, with the fix, exit 12", async () => {
  const gw = await startGateway();
  dirs.push(gw.stateDir);
  try {
    const r = await runCli(['doctor', '--json'], { stateDir: gw.stateDir, env: { CLAWGATE_GATEWAY_TOKEN: randomToken() } });
    assert.equal(r.code, 12, r.stderr);
    const errors = allFindings(parse(r)).filter((f) => f.severity === 'error');
    assert.deepEqual(errors.map((f) => [f.check, f.id]), [['gateway-token', 'gateway-token-drift']]);
    assert.match(errors[0]!.fix!, /unset CLAWGATE_GATEWAY_TOKEN/);
    const human = await runCli(['doctor'], { stateDir: gw.stateDir, env: { CLAWGATE_GATEWAY_TOKEN: randomToken() } });
    assert.equal(human.code, 12);
    assert.equal(human.stdout.match(/gateway-token-drift/g)?.length, 1);
    assert.match(human.stdout, /^✗ gateway-token: /m);
  } finally {
    await gw.stop();
  }
});

test('doctor works when the gateway is down and says so; --fix chmods, keeps the rest, and exit reflects what remains', async () => {
  const port = await freePort();
  const dir = makeStateDir({ gateway: { port, auth: { mode: 'token', token: randomToken() } } });
  dirs.push(dir);
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'clawgate.json'), 0o644);
  const before = await runCli(['doctor', '--json'], { stateDir: dir });
  assert.equal(before.code, 12);
  const report = parse(before);
  assert.match(report.checks.find((c) => c.id === 'port-owner')!.summary, /no gateway running/);
  assert.match(report.checks.find((c) => c.id === 'gateway-token')!.summary, /cannot compare/);
  assert.deepEqual(allFindings(report).filter((f) => f.severity !== 'info').map((f) => [f.id, f.fixable]), [['permissions-too-open', true], ['permissions-too-open', true]]);
  const info = allFindings(report).filter((f) => f.severity === 'info').map((f) => f.id);
  // Where the agent's commands would run depends on this machine (bubblewrap installed or not): named either way.
  assert.deepEqual(info.filter((id) => !id.startsWith('exec-sandbox-')), ['no-model-provider'], 'a fresh install is told how to connect a model');
  assert.ok(allFindings(report).some((f) => f.id.startsWith('exec-sandbox-')), 'and where commands would run');
  const fixed = await runCli(['doctor', '--fix'], { stateDir: dir });
  assert.equal(fixed.code, 0, fixed.stdout);
  assert.match(fixed.stdout, /fixed \(state-dir-permissions\/permissions-too-open\): chmod .*clawgate\.json 0644 -> 0600/);
  assert.match(fixed.stdout, /No problems found\./);
});

test('SL-PRINTED-SECRETS (doctor): no secret value appears in any doctor output, whatever slot it sits in', async () => {
  const canaries = { config: `canaryconfig${randomToken()}`, env: `canaryenv${randomToken()}`, flag: `canaryflag${randomToken()}`, cache: `canarycache${randomToken()}` };
  const gw = await startGateway({ token: canaries.config });
  dirs.push(gw.stateDir);
  try {
    // A device-token cache holding a canary, for an identity the store does not know.
    const first = await runCli(['doctor', '--json'], { stateDir: gw.stateDir });
    const idFile = join(gw.stateDir, 'identity', 'device.json');
    const deviceId = (JSON.parse(readFileSync(idFile, 'utf8')) as { deviceId: string }).deviceId;
    mkdirSync(join(gw.stateDir, 'identity'), { recursive: true, mode: 0o700 });
    writeFileSync(join(gw.stateDir, 'identity', 'device-auth.json'), JSON.stringify({ version: 1, deviceId, tokens: { operator: { token: canaries.cache, role: 'operator', scopes: ['operator.read'], updatedAtMs: 1 } } }), { mode: 0o600 });
    const runs = [
      first,
      await runCli(['doctor'], { stateDir: gw.stateDir }),
      await runCli(['doctor', '--json'], { stateDir: gw.stateDir, env: { CLAWGATE_GATEWAY_TOKEN: canaries.env } }),
      await runCli(['doctor', '--token', canaries.flag], { stateDir: gw.stateDir }),
      await runCli(['doctor', '--fix', '--json', '--token', canaries.flag], { stateDir: gw.stateDir, env: { CLAWGATE_GATEWAY_TOKEN: canaries.env } }),
    ];
    await gw.stop();
    runs.push(await runCli(['doctor'], { stateDir: gw.stateDir, env: { CLAWGATE_GATEWAY_TOKEN: canaries.env } }));
    for (const r of runs) {
      const text = r.stdout + r.stderr;
      assert.ok(text.length > 0);
      for (const [slot, value] of Object.entries(canaries)) {
        assert.ok(!text.includes(value) && !text.includes(value.slice(0, 24)), `${slot} canary printed`);
      }
    }
    // The cached canary was compared by fingerprint and reported.
    assert.match(runs[1]!.stdout, /device-token-cache: cached token sha256:[0-9a-f]{12}/);
  } finally {
    await gw.stop();
  }
});

test('doctor reports a missing CLI token in token mode without connecting (no pairing request is created)', async () => {
  const gw = await startGateway({ token: null, env: { CLAWGATE_GATEWAY_TOKEN: randomToken() } });
  dirs.push(gw.stateDir);
  try {
    const r = await runCli(['doctor', '--json'], { stateDir: gw.stateDir });
    assert.equal(r.code, 12, r.stdout + r.stderr);
    const report = parse(r);
    assert.deepEqual(allFindings(report).filter((f) => f.severity === 'error').map((f) => f.id), ['gateway-token-missing']);
    assert.match(report.checks.find((c) => c.id === 'gateway-token')!.summary, /connecting would only create a pairing request/);
    const again = parse(await runCli(['doctor', '--json'], { stateDir: gw.stateDir }));
    assert.equal(again.checks.find((c) => c.id === 'pending-requests')!.status, 'ok');
  } finally {
    await gw.stop();
  }
});
