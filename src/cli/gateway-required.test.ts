import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../test/helpers/gateway-process.js';
import { cli, tempStateDir } from '../../test/helpers/cli-io.js';

test('models list, sessions and reset need the running gateway and name the command that starts it', async (t) => {
  const dir = tempStateDir(t);
  writeFileSync(join(dir, 'clawgate.json'), JSON.stringify({ gateway: { port: await freePort() } }));
  for (const argv of [['models', 'list'], ['models', 'reset'], ['sessions', 'list'], ['sessions', 'history', 'main']]) {
    const r = await cli(dir, ...argv);
    assert.equal(r.code, 3, argv.join(' '));
    assert.match(r.err, /start it with: clawgate gateway start$/, argv.join(' '));
  }
});
