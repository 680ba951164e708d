import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { visibleWidth } from '@mariozechner/pi-tui';
import { footerLine, headerLine, statusLine, type ScreenState } from './screen.js';
import { makeTheme } from './theme.js';

const theme = makeTheme(false);
const base = (): ScreenState => ({ gateway: '127.0.0.1:18789', agentId: 'main', sessionKey: 'agent:main:main', connection: 'connected', pendingApprovals: 0, pendingDevices: 0 });

describe('header', () => {
  test('names the gateway, agent, session and connection, filling the width', () => {
    const line = headerLine(base(), 100, theme);
    assert.match(line, /^ clawgate │ 127\.0\.0\.1:18789 │ agent main │ session agent:main:main │ +● connected $/);
    assert.equal(visibleWidth(line), 100);
  });

  test('when narrow the session is cut, never the connection state', () => {
    for (const connection of ['connecting', 'reconnecting', 'stopped'] as const) {
      const line = headerLine({ ...base(), connection, sessionKey: 'agent:main:a-very-long-session-key-indeed' }, 50, theme);
      assert.equal(visibleWidth(line), 50);
      assert.match(line, { connecting: /… connecting $/, reconnecting: /○ reconnecting $/, stopped: /✗ stopped $/ }[connection]);
    }
  });
});

describe('status line', () => {
  test('says ready when idle, running with the abort key, and the approval keys first when one waits', () => {
    assert.equal(statusLine(base(), 0, 80, theme), ' ready');
    assert.equal(statusLine({ ...base(), runningRunId: 'r' }, 0, 80, theme), ' running… (Esc aborts)');
    assert.equal(statusLine({ ...base(), runningRunId: 'r', pendingApprovals: 2 }, 0, 80, theme), ' waiting for approval (2): y allow once · a allow always · n deny');
  });

  test('counts down to the next reconnect attempt', () => {
    const s = { ...base(), connection: 'reconnecting' as const, retryAtMs: 10_000 };
    assert.equal(statusLine(s, 6_500, 80, theme), ' reconnecting in 4 s: connection lost');
    assert.equal(statusLine(s, 10_000, 80, theme), ' reconnecting now: connection lost');
    assert.equal(statusLine({ ...s, lastError: 'the gateway is not running' }, 6_500, 80, theme), ' reconnecting in 4 s: the gateway is not running');
  });

  test('a stop shows its reason; pending devices and hints are added', () => {
    assert.equal(statusLine({ ...base(), connection: 'stopped', stoppedReason: 'pairing required' }, 0, 80, theme), ' stopped: pairing required');
    assert.equal(statusLine({ ...base(), pendingDevices: 1, hint: 'press Ctrl+C again to exit' }, 0, 120, theme), ' ready  │  1 device waiting to pair: /devices  │  press Ctrl+C again to exit');
  });
});

test('a log scrolled up says so and names the key back', () => {
  assert.equal(statusLine({ ...base(), scrolledUp: true }, 0, 80, theme), ' ready  │  ↑ scrolled up: PgDn returns');
});

describe('footer', () => {
  test('shows agent, session, model and tokens in and out', () => {
    const line = footerLine({ ...base(), model: 'fake/fake-gpt', inputTokens: 18, outputTokens: 5 }, 90, theme);
    assert.equal(line.trimEnd(), ' main · agent:main:main · fake/fake-gpt · tokens 18 in / 5 out │ /help');
    assert.equal(visibleWidth(line), 90);
  });

  test('before the first run the counts are zero and an unknown model says so', () => {
    assert.match(footerLine(base(), 80, theme), /model \? · tokens 0 in \/ 0 out/);
  });
});
