import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInProcess } from '../../test/helpers/in-process.js';
import { makeDevice, rawConnect, rpc } from '../../test/helpers/raw-client.js';

test('hello-ok session defaults, health and agents.list name the same default agent, the one the config marks', async (t) => {
  const gw = await startInProcess();
  t.after(() => gw.close());
  const defaults = async () => {
    const { ws, response } = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.read'] });
    const health = await rpc(ws, 'health');
    const agents = await rpc(ws, 'agents.list');
    ws.close();
    return { hello: response!.payload.snapshot.sessionDefaults, health: health.payload.defaultAgentId, list: agents.payload.defaultId };
  };
  assert.deepEqual(await defaults(), { hello: { defaultAgentId: 'main', mainKey: 'main', mainSessionKey: 'agent:main:main' }, health: 'main', list: 'main' });

  writeFileSync(join(gw.stateDir, 'clawgate.json'), JSON.stringify({ agents: { list: [{ id: 'home' }, { id: 'ops', default: true }] } }));
  // health reuses its summary for a second; the others read the config as it is now.
  await new Promise((r) => setTimeout(r, 1100));
  assert.deepEqual(await defaults(), { hello: { defaultAgentId: 'ops', mainKey: 'main', mainSessionKey: 'agent:ops:main' }, health: 'ops', list: 'ops' });
});
