import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { randomToken, startGateway, type RunningGateway } from '../helpers/gateway-process.js';
import { makeDevice, rawConnect, rpc } from '../helpers/raw-client.js';
import { auditRows, cleanup, pendingRows, withDb } from '../helpers/scenario-support.js';
import { startFakeOpenAi, type FakeModelServer } from '../helpers/fake-openai.js';
import { lastOf } from '../helpers/runtime-harness.js';

// PD-INTERNAL-CLIENT-AS-DEVICE (scenarios.md, section C): sub-agents and agent-to-agent sends are in-process
// runtime calls. With zero paired devices they succeed, nothing gets paired, and no pairing or scope event is
// written. A remote client that claims an internal client id gets no bypass. Cron runs are internal too.

let gw: RunningGateway;
let fake: FakeModelServer;

before(async () => {
  fake = await startFakeOpenAi(({ body }) => {
    const user = lastOf(body, 'user');
    const last = body.messages.at(-1);
    if (user === 'child task') return { text: 'child done' };
    if (user.startsWith('[message from session')) return { text: 'pong' };
    if (user.startsWith('[sub-agent report]')) return { text: 'report received' };
    if (last.role === 'tool') return { text: 'tools done' };
    return {
      toolCalls: [
        { id: 'c1', name: 'sessions_spawn', arguments: { task: 'child task' } },
        { id: 'c2', name: 'sessions_send', arguments: { sessionKey: 'agent:helper:main', message: 'ping', timeoutSeconds: 20 } },
      ],
    };
  });
  const token = randomToken();
  gw = await startGateway({
    token,
    config: {
      gateway: { auth: { mode: 'token', token } },
      models: { providers: { fake: { api: 'openai-completions', baseUrl: fake.url, apiKey: 'sk-internal-test' } } },
      agents: { defaults: { model: 'fake/fake-gpt' }, list: [{ id: 'main', default: true }, { id: 'helper' }] },
    },
  });
});
after(async () => {
  await cleanup([gw], []);
  await fake.close();
});

function devices(): number {
  return withDb(gw.stateDir, (db) => (db.prepare('SELECT count(*) AS n FROM devices').get() as { n: number }).n);
}

describe('PD-INTERNAL-CLIENT-AS-DEVICE', () => {
  test('PD-INTERNAL-CLIENT-AS-DEVICE: a sub-agent spawn and an agent-to-agent send succeed with zero paired devices; nothing is paired', async () => {
    // The owner's device-less loopback connection with the gateway token: it pairs nothing itself.
    const owner = await rawConnect(gw.url, { auth: { token: gw.token! }, scopes: ['operator.read', 'operator.write'] });
    assert.equal(owner.response?.ok, true, JSON.stringify(owner.response?.error));
    const events: { event: string; payload: any }[] = [];
    owner.ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'event') events.push(frame);
    });
    const sent = await rpc(owner.ws, 'chat.send', { sessionKey: 'agent:main:main', message: 'delegate please', idempotencyKey: randomUUID() });
    assert.equal(sent.ok, true, JSON.stringify(sent.error));
    const waited = await rpc(owner.ws, 'agent.wait', { runId: sent.payload.runId, timeoutMs: 20_000 });
    assert.equal(waited.payload.status, 'ok', JSON.stringify(waited.payload));

    // The child's report comes back and the main session continues with it.
    const deadline = Date.now() + 20_000;
    let history: any[] = [];
    while (Date.now() < deadline) {
      history = (await rpc(owner.ws, 'chat.history', { sessionKey: 'agent:main:main' })).payload.messages;
      if (history.some((m) => m.role === 'assistant' && m.content.some((c: any) => c.text === 'report received'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const texts = history.flatMap((m) => m.content.filter((c: any) => c.type === 'text').map((c: any) => c.text));
    assert.ok(texts.some((t) => t.startsWith('[sub-agent report]') && t.includes('status: ok') && t.endsWith('child done')), texts.join('\n---\n'));
    const toolResults = history.filter((m) => m.role === 'toolResult').map((m) => JSON.parse(m.content[0].text));
    assert.equal(toolResults[0].status, 'accepted');
    assert.equal(toolResults[1].status, 'ok');
    assert.equal(toolResults[1].reply, 'pong');
    const sessions = (await rpc(owner.ws, 'sessions.list', {})).payload.sessions.map((s: any) => s.key);
    assert.ok(sessions.includes('agent:helper:main'));
    assert.ok(sessions.some((k: string) => k.startsWith('agent:main:subagent:')));
    assert.ok(events.some((e) => e.event === 'chat' && e.payload.state === 'final'));
    owner.ws.close();

    assert.equal(devices(), 0, 'devices list stays empty');
    assert.deepEqual(pendingRows(gw.stateDir), []);
    assert.deepEqual(auditRows(gw.stateDir), [], 'no pairing or scope audit events at all');
  });

  test('PD-INTERNAL-CLIENT-AS-DEVICE: a cron run (isolated agent turn) succeeds with zero paired devices; nothing is paired', async () => {
    const owner = await rawConnect(gw.url, { auth: { token: gw.token! }, scopes: ['operator.admin'] });
    assert.equal(owner.response?.ok, true, JSON.stringify(owner.response?.error));
    const added = await rpc(owner.ws, 'cron.add', { name: 'internal', schedule: { kind: 'every', everyMs: 3_600_000 }, sessionTarget: 'isolated', payload: { kind: 'agentTurn', message: 'child task' } });
    assert.equal(added.ok, true, JSON.stringify(added.error));
    const ran = await rpc(owner.ws, 'cron.run', { id: added.payload.id });
    assert.equal(ran.ok, true, JSON.stringify(ran.error));
    const waited = await rpc(owner.ws, 'agent.wait', { runId: ran.payload.runId, timeoutMs: 20_000 });
    assert.equal(waited.payload.status, 'ok', JSON.stringify(waited.payload));
    let entries: { status: string }[] = [];
    for (let i = 0; i < 100 && entries[0]?.status !== 'ok'; i++) {
      entries = (await rpc(owner.ws, 'cron.runs', { id: added.payload.id })).payload.entries;
      if (entries[0]?.status !== 'ok') await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(entries[0]?.status, 'ok');
    owner.ws.close();
    assert.equal(devices(), 0, 'devices list stays empty');
    assert.deepEqual(auditRows(gw.stateDir), [], 'no pairing or scope audit events');
  });

  test('PD-INTERNAL-CLIENT-AS-DEVICE: a remote client claiming an internal client id (gateway-client/backend) gets no bypass', async () => {
    const headers = { 'X-Forwarded-For': '203.0.113.7' };
    const device = makeDevice();
    const claimed = await rawConnect(gw.url, { device, clientId: 'gateway-client', clientMode: 'backend', auth: { token: gw.token! }, scopes: ['operator.write'], headers });
    assert.equal(claimed.response?.ok, false);
    assert.equal(claimed.response!.error.details.code, 'PAIRING_REQUIRED');
    assert.equal((await claimed.closed).code, 1008);

    const deviceless = await rawConnect(gw.url, { clientId: 'gateway-client', clientMode: 'backend', auth: { token: gw.token! }, scopes: ['operator.write'], headers });
    assert.equal(deviceless.response?.ok, true);
    const res = await rpc(deviceless.ws, 'chat.send', { sessionKey: 'main', message: 'let me in', idempotencyKey: randomUUID() });
    assert.equal(res.error?.details?.code, 'MISSING_SCOPE');
    deviceless.ws.close();
    assert.equal(devices(), 0);
  });
});
