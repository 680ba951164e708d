// Sessions as an OpenClaw client manages them, in a real gateway over a real socket: sessions.list carries the
// model and token counts its TUI's footer reads, status carries its /status summary, models.list its picker rows,
// and sessions.patch|reset|delete change a session (the TUI's /model and /new) without losing anything else.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectOperator, startAgentGateway, type AgentGateway, type OperatorClient } from '../helpers/agent-gateway.js';
import { lastUserText } from '../helpers/fake-model-server.js';
import { makeDevice, rawConnect, rpc } from '../helpers/raw-client.js';

const KEY = 'agent:main:main';

/** The stand-in model: "slow" hangs until aborted; "tool" calls a tool once; anything else is echoed with set usage. */
function script({ body }: { body: { model: string; messages: Array<{ role: string }> } }) {
  if (body.messages.at(-1)!.role === 'tool') return { text: 'after the tool', usage: { input: 150, output: 10 } };
  const text = lastUserText(body);
  if (text === 'slow') return { hang: true as const };
  if (text === 'tool') return { toolCalls: [{ name: 'session_status', arguments: {} }], usage: { input: 100, output: 5 } };
  return { text: `echo(${body.model}): ${text}`, usage: { input: 100, output: 20 } };
}

describe('sessions.list, status and sessions.patch|reset|delete as OpenClaw clients use them', () => {
  let ag: AgentGateway;
  let op: OperatorClient;

  const turn = async (message: string, sessionKey = KEY) => {
    const runId = await op.send(message, sessionKey);
    return op.terminal(runId);
  };
  const row = async (key = KEY) => ((await op.rpc('sessions.list', {})).payload.sessions as Array<Record<string, any>>).find((s) => s.key === key);

  before(async () => {
    ag = await startAgentGateway({ script });
    op = await connectOperator(ag.gw);
  });
  after(async () => {
    op?.close();
    await ag?.stop();
  });

  test('sessions.list names each session\'s model and its tokens; defaults name the default model', async () => {
    assert.equal((await turn('hello')).state, 'final');
    const list = (await op.rpc('sessions.list', {})).payload;
    assert.deepEqual(list.defaults, { model: 'fake/fake-gpt' });
    const r = await row();
    assert.equal(r!.model, 'fake/fake-gpt');
    assert.equal(r!.modelOverride, undefined, 'the model is the agent\'s, not an override');
    assert.deepEqual([r!.inputTokens, r!.outputTokens, r!.totalTokens], [100, 20, 120]);
  });

  test('a run of two model calls adds both to the totals; totalTokens is the last call alone', async () => {
    assert.equal((await turn('tool')).state, 'final');
    const r = await row();
    // hello (100/20), then tool (100/5) and after the tool (150/10) in one run.
    assert.deepEqual([r!.inputTokens, r!.outputTokens, r!.totalTokens], [350, 35, 160]);
  });

  test('status carries the sessions summary: defaults, count, recent sessions with model and tokens', async () => {
    const s = (await op.rpc('status', {})).payload.sessions;
    assert.deepEqual(s.defaults, { model: 'fake/fake-gpt' });
    assert.equal(s.count, 1);
    assert.equal(s.recent[0].key, KEY);
    assert.equal(s.recent[0].model, 'fake/fake-gpt');
    assert.equal(s.recent[0].totalTokens, 160);
    assert.equal(s.paths.length, 1, 'an admin sees where the sessions are stored');
  });

  test('models.list rows are OpenClaw\'s: the model id without its provider, and the provider', async () => {
    const models = (await op.rpc('models.list', {})).payload.models as Array<Record<string, unknown>>;
    assert.deepEqual(models, [{ id: 'fake-gpt', name: 'fake-gpt', provider: 'fake' }]);
  });

  test('sessions.patch sets the model the next run uses and a label, and clears them with null', async () => {
    const bad = await op.rpc('sessions.patch', { key: KEY, model: 'nowhere/x' });
    assert.equal(bad.error?.details?.code, 'MODEL_NOT_CONFIGURED');
    assert.match(bad.error.message, /provider "nowhere" is not configured; add models\.providers\.nowhere/);
    const set = await op.rpc('sessions.patch', { key: KEY, model: 'fake/other-model', label: 'work' });
    assert.equal(set.ok, true, JSON.stringify(set.error));
    assert.equal(set.payload.entry.model, 'fake/other-model');
    assert.equal(set.payload.entry.modelOverride, 'fake/other-model');
    assert.equal(set.payload.entry.label, 'work');
    assert.deepEqual(set.payload.resolved, { modelProvider: 'fake', model: 'other-model' });
    const reply = await turn('which model');
    assert.match(reply.message.content[0].text, /^echo\(other-model\): which model$/);
    const cleared = await op.rpc('sessions.patch', { key: KEY, model: null, label: null });
    assert.equal(cleared.payload.entry.model, 'fake/fake-gpt');
    assert.equal(cleared.payload.entry.label, undefined);
    assert.equal(cleared.payload.entry.modelOverride, undefined);
  });

  test('sessions.patch refuses what Clawgate does not keep, and a session that does not exist', async () => {
    const think = await op.rpc('sessions.patch', { key: KEY, thinkingLevel: 'high' });
    assert.equal(think.error?.details?.code, 'INVALID_PARAMS');
    const missing = await op.rpc('sessions.patch', { key: 'agent:main:nope', label: 'x' });
    assert.equal(missing.error?.details?.code, 'UNKNOWN_SESSION');
    assert.match(missing.error.message, /session agent:main:nope does not exist; clawgate sessions list/);
  });

  test('sessions.reset starts the session over: the transcript goes, the label and model stay', async () => {
    await op.rpc('sessions.patch', { key: KEY, label: 'kept', model: 'fake/other-model' });
    const before = await row();
    assert.ok(before!.messageCount >= 6);
    const reset = await op.rpc('sessions.reset', { key: KEY, reason: 'new' });
    assert.equal(reset.ok, true, JSON.stringify(reset.error));
    assert.equal(reset.payload.cleared, before!.messageCount);
    assert.equal(reset.payload.entry.messageCount, 0);
    assert.equal(reset.payload.entry.label, 'kept');
    assert.equal(reset.payload.entry.model, 'fake/other-model');
    assert.equal(reset.payload.entry.inputTokens, undefined, 'no tokens before the next run');
    assert.deepEqual((await op.rpc('chat.history', { sessionKey: KEY })).payload.messages, []);
    assert.equal((await turn('again')).state, 'final');
    assert.equal((await row())!.messageCount, 2);
  });

  test('a reset aborts the running run, and nothing that run had is written after the reset', async () => {
    const runId = await op.send('slow', KEY);
    // Reset while the model call is in flight, so the run is running (not queued) when it is aborted.
    const deadline = Date.now() + 10_000;
    while (!ag.fake.requests.some((r) => r.body && lastUserText(r.body) === 'slow')) {
      assert.ok(Date.now() < deadline, 'the model call of the slow run never arrived');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const reset = await op.rpc('sessions.reset', { key: KEY });
    assert.equal(reset.ok, true, JSON.stringify(reset.error));
    assert.deepEqual(reset.payload.aborted, [runId]);
    assert.equal((await op.terminal(runId)).state, 'aborted');
    assert.deepEqual((await op.rpc('chat.history', { sessionKey: KEY })).payload.messages, []);
  });

  test('sessions.delete removes the session; a second delete names it unknown', async () => {
    const other = 'agent:main:scratch';
    assert.equal((await turn('scratch work', other)).state, 'final');
    const del = await op.rpc('sessions.delete', { key: other });
    assert.deepEqual(del.payload, { ok: true, key: other, deleted: true, aborted: [] });
    assert.equal(await row(other), undefined);
    assert.deepEqual((await op.rpc('chat.history', { sessionKey: other })).payload.messages, []);
    assert.equal((await op.rpc('sessions.delete', { key: other })).error?.details?.code, 'UNKNOWN_SESSION');
    assert.ok(await row(KEY), 'other sessions stay');
  });

  test('changing sessions needs operator.admin; reading them needs operator.read', async () => {
    const { ws, response } = await rawConnect(ag.gw.url, { device: makeDevice(), auth: { token: ag.gw.token! }, scopes: ['operator.read', 'operator.write'] });
    assert.equal(response?.ok, true, JSON.stringify(response?.error));
    try {
      for (const [method, params] of [['sessions.patch', { key: KEY, label: 'x' }], ['sessions.reset', { key: KEY }], ['sessions.delete', { key: KEY }]] as const) {
        const r = await rpc(ws, method, params);
        assert.equal(r.error?.details?.code, 'MISSING_SCOPE', method);
      }
      assert.equal((await rpc(ws, 'sessions.list', {})).ok, true);
    } finally {
      ws.close();
    }
    assert.equal((await row())!.label, 'kept', 'the refused patch changed nothing');
  });

  test('the owner resets and deletes sessions with clawgate sessions reset|delete', async () => {
    assert.equal((await turn('before the reset')).state, 'final');
    const reset = await ag.cli(['sessions', 'reset', KEY]);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /^reset agent:main:main: \d+ transcript entries deleted \(label and model kept\)$/m);
    assert.equal((await row())!.messageCount, 0);
    assert.equal((await turn('note', 'agent:main:notes')).state, 'final');
    const del = await ag.cli(['sessions', 'delete', 'agent:main:notes']);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(del.stdout.trim(), 'deleted session agent:main:notes');
    const again = await ag.cli(['sessions', 'delete', 'agent:main:notes']);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /session agent:main:notes does not exist; clawgate sessions list shows the sessions/);
  });
});
