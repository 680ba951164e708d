import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSessions } from './list.js';

test('sessions list is a table with the key, agent, kind, label, size, model, age and active run', () => {
  const now = 1_700_000_000_000;
  const out = renderSessions(
    {
      count: 2,
      defaults: {},
      sessions: [
        { key: 'agent:main:main', agentId: 'main', kind: 'main', updatedAt: now - 5000, createdAt: now - 90_000, messageCount: 12, model: 'openai/gpt-4o', activeRunId: '0123456789abcdef' },
        { key: 'agent:main:subagent:a1', agentId: 'main', kind: 'subagent', label: 'research', spawnedBy: 'agent:main:main', updatedAt: now - 120_000, createdAt: now - 130_000, messageCount: 3 },
      ],
    },
    now,
  ).split('\n');
  assert.match(out[0]!, /^KEY\s+AGENT\s+KIND\s+LABEL\s+MESSAGES\s+MODEL\s+UPDATED\s+RUN$/);
  assert.match(out[1]!, /^agent:main:main\s+main\s+main\s+-\s+12\s+openai\/gpt-4o\s+5s ago\s+01234567$/);
  assert.match(out[2]!, /^agent:main:subagent:a1\s+main\s+subagent\s+research\s+3\s+-\s+2m ago\s+-$/);
});

test('no sessions says how to start one', () => {
  assert.equal(renderSessions({ count: 0, defaults: {}, sessions: [] }), 'No sessions yet. Start one with: clawgate agent -m "hello"');
});

