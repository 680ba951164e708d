import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgentGateway, type AgentGateway } from '../helpers/agent-gateway.js';
import { lastOf } from '../helpers/runtime-harness.js';

// The "done when": a new user chats with `clawgate agent` and sees a sub-agent's result come back into
// the conversation, against a real gateway process and a stand-in OpenAI-compatible server.

let ag: AgentGateway;

before(async () => {
  ag = await startAgentGateway({
    script: ({ body }) => {
      const user = lastOf(body, 'user');
      if (user === 'count the files') return { text: 'There are 42 files.', chunks: 3 };
      if (user.startsWith('[sub-agent report]')) return { text: `Report in: ${user.split('\n').at(-1)}`, chunks: 2 };
      if (body.messages.at(-1).role === 'tool') return { text: 'I asked a helper to count them.' };
      if (user === 'hello') return { text: 'Hi! How can I help?', chunks: 4 };
      return { toolCalls: [{ id: 'sp1', name: 'sessions_spawn', arguments: { task: 'count the files', label: 'counter' } }] };
    },
  });
});
after(async () => {
  await ag.stop();
});

describe('clawgate agent', () => {
  test('streams the reply to stdout and exits 0; the transcript holds both sides', async () => {
    const res = await ag.cli(['agent', '-m', 'hello']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout.trim(), 'Hi! How can I help?');
    const history = await ag.cli(['sessions', 'history', 'agent:main:main']);
    assert.match(history.stdout, /user: hello\nassistant: Hi! How can I help\?/);
  });

  test('a sub-agent\'s result comes back into the conversation and the CLI shows the agent continuing with it', async () => {
    const res = await ag.cli(['agent', '-m', 'please count my files']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(res.stdout.trim().split('\n'), ['I asked a helper to count them.', 'Report in: There are 42 files.']);
    assert.match(res.stderr, /waiting for 1 sub-agent report/);
    assert.match(res.stderr, /sub-agent's report arrived/);
    const sessions = JSON.parse((await ag.cli(['sessions', 'list', '--json'])).stdout) as { sessions: { key: string; label?: string; spawnedBy?: string }[] };
    const child = sessions.sessions.find((s) => s.label === 'counter')!;
    assert.equal(child.spawnedBy, 'agent:main:main');
    const history = (await ag.cli(['sessions', 'history', 'agent:main:main'])).stdout;
    assert.match(history, /\[sub-agent report\] "counter"/);
    assert.match(history, /status: ok/);
  });

  test('--json reports the follow-up runs; --no-follow exits after the first reply', async () => {
    const json = JSON.parse((await ag.cli(['agent', '-m', 'count again', '--json'])).stdout) as { status: string; text: string; followUps: { text: string }[] };
    assert.equal(json.status, 'ok');
    assert.equal(json.text, 'I asked a helper to count them.');
    assert.deepEqual(json.followUps.map((f) => f.text), ['Report in: There are 42 files.']);
    const quick = await ag.cli(['agent', '-m', 'once more', '--no-follow']);
    assert.equal(quick.code, 0, quick.stderr);
    assert.equal(quick.stdout.trim(), 'I asked a helper to count them.');
  });
});
