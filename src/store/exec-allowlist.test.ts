import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../test/helpers/temp-store.js';
import { EVERY_AGENT } from './exec-allowlist.js';

test('exec allowlist: keyed by agent and pattern; patternsFor joins the agent\'s own and the every-agent entries', (t) => {
  const store = tempStore(t);
  assert.equal(store.execAllowlist.add({ agentId: 'main', pattern: 'git status *', addedAtMs: 2, addedBy: 'cli-local' }), true);
  assert.equal(store.execAllowlist.add({ agentId: 'main', pattern: 'git status *', addedAtMs: 3, addedBy: 'other' }), false);
  store.execAllowlist.add({ agentId: EVERY_AGENT, pattern: 'ls *', addedAtMs: 1, addedBy: 'dev', approvalId: 'ap-1' });
  store.execAllowlist.add({ agentId: 'coder', pattern: 'make', addedAtMs: 4, addedBy: 'dev' });
  assert.deepEqual(store.execAllowlist.get('main', 'git status *'), { agentId: 'main', pattern: 'git status *', addedAtMs: 2, addedBy: 'cli-local', approvalId: undefined });
  assert.deepEqual(store.execAllowlist.patternsFor('main'), ['ls *', 'git status *']);
  assert.deepEqual(store.execAllowlist.patternsFor('coder'), ['ls *', 'make']);
  assert.deepEqual(store.execAllowlist.list(EVERY_AGENT).map((e) => [e.pattern, e.approvalId]), [['ls *', 'ap-1']]);
  assert.equal(store.execAllowlist.list().length, 3);
  assert.equal(store.execAllowlist.remove('main', 'git status *'), true);
  assert.equal(store.execAllowlist.remove('main', 'git status *'), false);
  assert.deepEqual(store.execAllowlist.patternsFor('main'), ['ls *']);
});
