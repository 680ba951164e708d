import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { runCli, startGateway } from '../helpers/gateway-process.js';

// Outside-findings rule 3: what clawgate prints in place of a secret is never mistaken for the secret.
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('the placeholder pasted back as --token or CLAWGATE_GATEWAY_TOKEN is named, with where the real token lives; doctor names it too', async () => {
  const gw = await startGateway();
  dirs.push(gw.stateDir);
  try {
    const shown = await runCli(['config', 'get', 'gateway.auth.token'], { stateDir: gw.stateDir });
    assert.equal(shown.code, 0, shown.stderr);
    const placeholder = shown.stdout.trim().replace(/^"|"$/g, '');
    assert.match(placeholder, /^\[redacted \d+ chars\]$/);

    const flag = await runCli(['status', '--token', placeholder], { stateDir: gw.stateDir });
    assert.equal(flag.code, 4, flag.stderr);
    assert.match(flag.stderr, /the gateway token from --token is a redacted placeholder/);
    assert.match(flag.stderr, /gateway\.auth\.token in clawgate\.json/);
    assert.doesNotMatch(flag.stderr, /mismatch/);

    const env = await runCli(['devices', 'list'], { stateDir: gw.stateDir, env: { CLAWGATE_GATEWAY_TOKEN: placeholder } });
    assert.equal(env.code, 4, env.stderr);
    assert.match(env.stderr, /the gateway token from CLAWGATE_GATEWAY_TOKEN is a redacted placeholder/);

    const doctor = await runCli(['doctor', '--json'], { stateDir: gw.stateDir, env: { CLAWGATE_GATEWAY_TOKEN: placeholder } });
    const findings = (JSON.parse(doctor.stdout) as { checks: { id: string; findings: { id: string; fix?: string }[] }[] }).checks.flatMap((c) => c.findings);
    const f = findings.find((x) => x.id === 'gateway-token-placeholder');
    assert.ok(f, doctor.stdout);
    assert.equal(f.fix, 'unset CLAWGATE_GATEWAY_TOKEN');
    assert.equal(doctor.code, 12);
  } finally {
    await gw.stop();
  }
});
