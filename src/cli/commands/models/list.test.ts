import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderModels } from './list.js';
import { renderReset } from './reset.js';

test('models list is a table of provider/model ids', () => {
  const out = renderModels({ models: [{ id: 'gpt-4o', name: 'GPT-4o', provider: 'openai', contextWindow: 128000 }, { id: 'llama', name: 'llama', provider: 'local' }] }).split('\n');
  assert.match(out[0]!, /^MODEL\s+NAME\s+PROVIDER\s+CONTEXT$/);
  assert.match(out[1]!, /^openai\/gpt-4o\s+GPT-4o\s+openai\s+128000$/);
  assert.match(out[2]!, /^local\/llama\s+llama\s+local\s+-$/);
  assert.match(renderModels({ models: [] }), /^No models configured\. Add a provider under models\.providers/);
});

test('models reset says what it cleared, or that nothing was marked', () => {
  assert.equal(renderReset({ reset: ['openai', 'anthropic'] }, undefined), 'reset: openai, anthropic (calls are allowed again)');
  assert.equal(renderReset({ reset: [] }, 'openai'), 'openai had no cooldown or rejected key; nothing to reset');
  assert.equal(renderReset({ reset: [] }, undefined), 'no provider had a cooldown or rejected key; nothing to reset');
});
