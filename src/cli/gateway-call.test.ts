import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronList, cronUpdate } from '../protocol/methods/cron.js';
import { devicePairApprove } from '../protocol/methods/device-pair.js';
import { health, status } from '../protocol/methods/gateway-info.js';
import { collectingIo, tempStateDir } from '../../test/helpers/cli-io.js';
import { HEALTH_WITH_TEXT_OK, standInGateway } from '../../test/helpers/stand-in-gateway.js';
import { scopesFor, VALIDATE_RESULTS_ENV } from './gateway-call.js';
import { runCli } from './main.js';

test('scopesFor asks only the scopes the definitions need, each once, sorted', () => {
  assert.deepEqual(scopesFor([health]), [], 'health needs no scope');
  assert.deepEqual(scopesFor([status]), ['operator.read']);
  assert.deepEqual(scopesFor([cronList, cronUpdate, cronList]), ['operator.admin', 'operator.read']);
  assert.deepEqual(scopesFor([devicePairApprove]), ['operator.pairing']);
});

test(`with ${VALIDATE_RESULTS_ENV}=1 the CLI refuses a result that breaks its definition (exit 8, names the method)`, async (t) => {
  const url = await standInGateway(t, () => HEALTH_WITH_TEXT_OK);
  const dir = tempStateDir(t);
  const run = async (env: NodeJS.ProcessEnv) => {
    const io = collectingIo({ CLAWGATE_STATE_DIR: dir, ...env });
    return { code: await runCli(['--url', url, 'health', '--json'], io), out: io.outs.join('\n'), err: io.errs.join('\n') };
  };
  const checked = await run({ [VALIDATE_RESULTS_ENV]: '1' });
  assert.equal(checked.code, 8, checked.err);
  assert.match(checked.err, /the gateway's health result does not match its definition: \/ok: Expected boolean$/);
  const unchecked = await run({});
  assert.equal(unchecked.code, 0, unchecked.err);
  assert.deepEqual(JSON.parse(unchecked.out), HEALTH_WITH_TEXT_OK, 'without the switch the result is printed as sent');
});
