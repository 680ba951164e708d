import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import { MAX_SESSION_LIST } from './sessions.js';

test('ensure creates a session once and never changes an existing row', (t) => {
  const store = tempStore(t);
  const created = store.sessions.ensure({ key: 'agent:main:main', agentId: 'main', kind: 'main' }, 1000);
  assert.deepEqual(created, {
    key: 'agent:main:main',
    agentId: 'main',
    kind: 'main',
    parentKey: null,
    label: null,
    model: null,
    spawnDepth: 0,
    createdAtMs: 1000,
    updatedAtMs: 1000,
    messageCount: 0,
  });
  const again = store.sessions.ensure({ key: 'agent:main:main', agentId: 'other', kind: 'other', label: 'x', model: 'p/m', spawnDepth: 3 }, 5000);
  assert.deepEqual(again, created, 'agent, kind, label, model, depth and times are kept');
});

test('ensure stores parent, label, model and spawn depth of a sub-agent session', (t) => {
  const store = tempStore(t);
  const s = store.sessions.ensure(
    { key: 'agent:main:subagent:a1', agentId: 'main', kind: 'subagent', parentKey: 'agent:main:main', label: 'research', model: 'ollama/llama3.2', spawnDepth: 1 },
    7,
  );
  assert.equal(s.parentKey, 'agent:main:main');
  assert.equal(s.label, 'research');
  assert.equal(s.model, 'ollama/llama3.2');
  assert.equal(s.spawnDepth, 1);
  assert.equal(s.kind, 'subagent');
  assert.equal(store.sessions.get('agent:main:nope'), undefined);
});

test('messageCount counts the transcript rows of the session only', (t) => {
  const store = tempStore(t);
  store.sessions.ensure({ key: 'a', agentId: 'main', kind: 'other' }, 1);
  store.sessions.ensure({ key: 'b', agentId: 'main', kind: 'other' }, 1);
  store.transcripts.append('a', 'r1', [{ role: 'user', text: 'hi' }, { role: 'assistant', text: 'hello' }], 2);
  store.transcripts.append('b', 'r2', [{ role: 'user', text: 'x' }], 2);
  assert.equal(store.sessions.get('a')?.messageCount, 2);
  assert.equal(store.sessions.get('b')?.messageCount, 1);
  assert.deepEqual(
    store.sessions.list().map((s) => [s.key, s.messageCount]),
    [['a', 2], ['b', 1]],
  );
});

test('list: most recently updated first, filtered by agent and parent, limited', (t) => {
  const store = tempStore(t);
  store.sessions.ensure({ key: 'agent:main:main', agentId: 'main', kind: 'main' }, 100);
  store.sessions.ensure({ key: 'agent:ops:main', agentId: 'ops', kind: 'main' }, 200);
  store.sessions.ensure({ key: 'agent:main:subagent:1', agentId: 'main', kind: 'subagent', parentKey: 'agent:main:main', spawnDepth: 1 }, 300);
  store.sessions.ensure({ key: 'agent:main:subagent:2', agentId: 'main', kind: 'subagent', parentKey: 'agent:main:main', spawnDepth: 1 }, 400);
  assert.ok(store.sessions.touch('agent:main:main', 500));
  const keys = (f?: Parameters<typeof store.sessions.list>[0]) => store.sessions.list(f).map((s) => s.key);
  assert.deepEqual(keys(), ['agent:main:main', 'agent:main:subagent:2', 'agent:main:subagent:1', 'agent:ops:main']);
  assert.deepEqual(keys({ agentId: 'ops' }), ['agent:ops:main']);
  assert.deepEqual(keys({ parentKey: 'agent:main:main' }), ['agent:main:subagent:2', 'agent:main:subagent:1']);
  assert.deepEqual(keys({ agentId: 'ops', parentKey: 'agent:main:main' }), []);
  assert.deepEqual(keys({ limit: 2 }), ['agent:main:main', 'agent:main:subagent:2']);
  assert.deepEqual(keys({ limit: 0 }), []);
  assert.equal(keys({ limit: MAX_SESSION_LIST * 10 }).length, 4, 'an oversized limit is capped, not an error');
});

test('touch never moves updated_at backwards and reports a missing session', (t) => {
  const store = tempStore(t);
  store.sessions.ensure({ key: 's', agentId: 'main', kind: 'other' }, 1000);
  assert.ok(store.sessions.touch('s', 2000));
  assert.ok(store.sessions.touch('s', 1500));
  assert.equal(store.sessions.get('s')?.updatedAtMs, 2000);
  assert.equal(store.sessions.get('s')?.createdAtMs, 1000);
  assert.equal(store.sessions.touch('missing', 3000), false);
});

test('countChildren counts the sessions spawned from a parent', (t) => {
  const store = tempStore(t);
  store.sessions.ensure({ key: 'p', agentId: 'main', kind: 'main' }, 1);
  assert.equal(store.sessions.countChildren('p'), 0);
  for (const id of ['c1', 'c2', 'c3']) store.sessions.ensure({ key: id, agentId: 'main', kind: 'subagent', parentKey: 'p', spawnDepth: 1 }, 2);
  store.sessions.ensure({ key: 'g1', agentId: 'main', kind: 'subagent', parentKey: 'c1', spawnDepth: 2 }, 3);
  assert.equal(store.sessions.countChildren('p'), 3);
  assert.equal(store.sessions.countChildren('c1'), 1);
});

test('delete removes the session and its transcript; children stay', (t) => {
  const store = tempStore(t);
  store.sessions.ensure({ key: 'p', agentId: 'main', kind: 'main' }, 1);
  store.sessions.ensure({ key: 'c', agentId: 'main', kind: 'subagent', parentKey: 'p', spawnDepth: 1 }, 1);
  store.transcripts.append('p', null, [{ role: 'user', text: 'hi' }], 2);
  assert.equal(store.sessions.delete('p'), true);
  assert.equal(store.sessions.get('p'), undefined);
  assert.equal(store.transcripts.count('p'), 0, 'transcript rows are deleted with the session');
  assert.equal(store.sessions.get('c')?.parentKey, 'p');
  assert.equal(store.sessions.delete('p'), false);
});

test('a kind value this release does not know reads as other', (t) => {
  const store = tempStore(t);
  store.db.prepare("INSERT INTO sessions (session_key, agent_id, kind, created_at_ms, updated_at_ms) VALUES ('x', 'main', 'cron', 1, 1)").run();
  assert.equal(store.sessions.get('x')?.kind, 'other');
});

test('exists tells a known key from an unknown one', (t) => {
  const store = tempStore(t);
  assert.equal(store.sessions.exists('agent:main:main'), false);
  store.write(() => store.sessions.ensure({ key: 'agent:main:main', agentId: 'main', kind: 'main' }, 1));
  assert.equal(store.sessions.exists('agent:main:main'), true);
});

test('messageCount counts what history shows: excluded rows (orphans, quarantined) are kept but not counted, an unmarked unreadable row is', (t) => {
  const store = tempStore(t);
  store.sessions.ensure({ key: 'a', agentId: 'main', kind: 'other' }, 1);
  const [, orphan, torn] = store.transcripts.append('a', 'r1', [{ role: 'user', text: 'hi' }, { role: 'user', text: 'later an orphan' }, { role: 'user', text: 'torn' }], 2);
  store.transcripts.exclude(orphan!.id, 'orphan tool result');
  store.db.prepare('UPDATE messages SET body = ? WHERE id = ?').run('{"role":', torn!.id);
  assert.equal(store.sessions.get('a')?.messageCount, 2);
  store.transcripts.exclude(torn!.id, 'quarantined: test');
  assert.equal(store.sessions.get('a')?.messageCount, 1);
  assert.equal(store.transcripts.count('a'), 3, 'every row is still there');
});
