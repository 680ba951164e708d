import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyNote } from './apply-note.js';

test('agent and provider keys apply from the next run; the heartbeat, channels and gateway keys at restart', () => {
  for (const path of ['models', 'models.providers.x.apiKey', 'agents', 'agents.defaults.model', 'agents.list']) assert.equal(applyNote(path), 'a running gateway uses it from the next run', path);
  for (const path of ['agents.defaults.heartbeat', 'agents.defaults.heartbeat.every', 'channels.telegram.botToken', 'gateway.port', 'modelsx']) assert.equal(applyNote(path), 'restart the gateway to apply', path);
});
