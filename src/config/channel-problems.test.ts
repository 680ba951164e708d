import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactConfigValue } from './redact.js';
import { configValidator, type Config } from './schema.js';
import { semanticProblems } from './semantic-problems.js';

test('channels.telegram: closed object, known policies only', () => {
  assert.equal(configValidator.check({ channels: { telegram: { botToken: '1:x', dmPolicy: 'pairing', groups: { policy: 'open', requireMention: false }, pairing: { codeTtlMinutes: 30, maxPending: 5 } } } }), true);
  assert.equal(configValidator.check({ channels: { telegram: { dmPolicy: 'everyone' } } }), false);
  assert.equal(configValidator.check({ channels: { telegram: { token: 'x' } } }), false);
  assert.equal(configValidator.check({ channels: { slack: {} } }), false);
});

test('semantic problems name the key: allowFrom entries, group ids, an empty group allowlist, apiRoot credentials', () => {
  const problems = semanticProblems({
    channels: { telegram: { allowFrom: [123, '@good_name', 'bad name'], groups: { policy: 'allowlist', allow: ['abc'] }, apiRoot: 'https://u:p@example.com' } },
  } as Config);
  assert.deepEqual(
    problems.map((p) => p.split(':')[0]),
    ['channels.telegram.apiRoot', 'channels.telegram.allowFrom.2', 'channels.telegram.groups.allow.0'],
  );
  assert.ok(!problems.join('\n').includes('u:p@'), 'the URL is never echoed');
  assert.match(semanticProblems({ channels: { telegram: { groups: { policy: 'allowlist' } } } })[0]!, /^channels\.telegram\.groups\.allow: /);
});

test('the bot token is a secret config path; apiRoot credentials are hidden', () => {
  const shown = redactConfigValue('', { channels: { telegram: { botToken: '123:secretsecret', apiRoot: 'https://u:p@h.example' } } }) as any;
  assert.equal(shown.channels.telegram.botToken, '[redacted 16 chars]');
  assert.equal(shown.channels.telegram.apiRoot, 'https://redacted@h.example/');
});
