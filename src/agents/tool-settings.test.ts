import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { resolveToolSettings, TOOL_DEFAULTS, workspaceDirOf } from './tool-settings.js';

test('by default nothing outside the allowlist runs without the owner, in the sandbox when there is one, without network', () => {
  const t = resolveToolSettings({}, {});
  assert.equal(t.exec.security, 'allowlist');
  assert.equal(t.exec.ask, 'on-miss');
  assert.equal(t.exec.sandbox, 'auto');
  assert.equal(t.exec.network, false);
  assert.equal(t.exec.timeoutMs, TOOL_DEFAULTS.exec.timeoutSeconds * 1000);
  assert.equal(t.profile, undefined);
});

test('a search key comes from config or its environment variable and is never kept as a plain string', () => {
  const fromEnv = resolveToolSettings({ tools: { web: { search: { provider: 'brave', apiKey: { env: 'BRAVE_KEY' } } } } }, { BRAVE_KEY: ' bk-123 ' });
  assert.equal(fromEnv.search.keySource, 'env BRAVE_KEY');
  assert.equal(fromEnv.search.apiKey?.reveal(), 'bk-123');
  assert.ok(!JSON.stringify(fromEnv).includes('bk-123'));
  const unset = resolveToolSettings({ tools: { web: { search: { provider: 'brave', apiKey: { env: 'BRAVE_KEY' } } } } }, {});
  assert.equal(unset.search.apiKey, undefined);
  assert.equal(unset.search.keySource, 'env BRAVE_KEY (unset)');
});

test('workspaces: default under the state dir, one per agent; a configured path is resolved', () => {
  assert.equal(workspaceDirOf('/s', 'main', true, undefined, undefined), '/s/workspace');
  assert.equal(workspaceDirOf('/s', 'ops', false, undefined, undefined), '/s/workspace-ops');
  assert.equal(workspaceDirOf('/s', 'main', true, undefined, '~/agent'), join(homedir(), 'agent'));
  assert.equal(workspaceDirOf('/s', 'ops', false, undefined, '/w'), '/w-ops');
  assert.equal(workspaceDirOf('/s', 'ops', false, 'own', '/w'), '/s/own');
});
