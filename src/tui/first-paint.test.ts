import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { firstFrame, headerParts } from './first-paint.js';

const PREFIX = '\x1b[?1049h\x1b[2J\x1b[H';
const headerOf = (frame: string) => frame.slice(PREFIX.length, -'\x1b[H'.length);
const state = { gateway: '127.0.0.1:18789', agentId: 'main', sessionKey: 'agent:main:main', connection: 'connecting' as const };

describe('firstFrame', () => {
  test('enters the alternate screen, clears it, draws the header the full screen will draw, and homes the cursor', () => {
    const frame = firstFrame(state, 100, false);
    assert.ok(frame.startsWith(PREFIX));
    assert.ok(frame.endsWith('\x1b[H'));
    const line = headerOf(frame);
    assert.equal(line.length, 100);
    assert.match(line, /^ clawgate │ 127\.0\.0\.1:18789 │ agent main │ session agent:main:main │ +… connecting $/);
  });

  test('when narrow, the names are cut and the connection state stays', () => {
    const line = headerOf(firstFrame({ ...state, sessionKey: 'agent:main:a-long-session-name' }, 40, false));
    assert.equal(line.length, 40);
    assert.ok(line.endsWith(' … connecting '));
  });

  test('in colour the header is in inverse video', () => {
    assert.match(firstFrame(state, 80, true), /\x1b\[7m clawgate .*\x1b\[27m/);
  });

  test('control characters in names are made visible', () => {
    assert.doesNotMatch(headerParts({ ...state, agentId: 'a\x1b[2Jb' }).left, /\x1b/);
  });
});
