import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatLog } from './chat-log.js';
import type { ChatEntry } from './chat-entries.js';
import { makeTheme } from './theme.js';

const theme = makeTheme(false);
const sys = (text: string): ChatEntry => ({ kind: 'system', text, tone: 'info' });

function logOf(n: number): ChatLog {
  const log = new ChatLog(theme);
  log.setEntries(Array.from({ length: n }, (_, i) => sys(`entry ${i}`)));
  return log;
}

describe('ChatLog', () => {
  test('renders exactly the height asked for, newest at the bottom, blank above a short log', () => {
    const log = logOf(2);
    assert.deepEqual(log.render(40, 5), ['', '', '• entry 0', '', '• entry 1']);
  });

  test('a long log shows its end; entries are separated by one blank line', () => {
    const view = logOf(1000).render(40, 5);
    assert.deepEqual(view, ['• entry 997', '', '• entry 998', '', '• entry 999']);
  });

  test('PgUp scrolls into older output and stops at the top; scrolling down returns to the end', () => {
    const log = logOf(10);
    log.render(40, 5);
    log.scrollBy(4);
    assert.deepEqual(log.render(40, 5), ['• entry 5', '', '• entry 6', '', '• entry 7']);
    assert.equal(log.scrolledUp, true);
    for (let i = 0; i < 10; i++) {
      log.scrollBy(100);
      log.render(40, 5);
    }
    assert.deepEqual(log.render(40, 5), ['• entry 0', '', '• entry 1', '', '• entry 2']);
    log.scrollToBottom();
    assert.deepEqual(log.render(40, 5), ['• entry 7', '', '• entry 8', '', '• entry 9']);
    log.scrollBy(-3);
    assert.equal(log.scrolledUp, false);
  });

  test('update replaces the newest matching entry; the view shows the new one', () => {
    const log = logOf(3);
    assert.equal(
      log.update(
        (e) => e.kind === 'system' && e.text === 'entry 1',
        () => sys('changed'),
      ),
      true,
    );
    assert.deepEqual(log.render(40, 5), ['• entry 0', '', '• changed', '', '• entry 2']);
    assert.equal(
      log.update(
        () => false,
        (e) => e,
      ),
      false,
    );
  });

  test('a new width re-wraps (the cache is per width) and expansion re-renders cards', () => {
    const log = new ChatLog(theme);
    log.append({ kind: 'tool', id: 't', name: 'exec', args: { command: 'ls' }, state: 'ok', result: 'out' });
    assert.deepEqual(log.render(60, 1), ['▸ exec {"command":"ls"}  ✓']);
    log.toggleExpanded();
    assert.equal(log.render(60, 4).at(-1), '    out');
    assert.deepEqual(log.render(12, 1), ['    out']);
  });

  test('renderAll has every line of every entry', () => {
    assert.equal(logOf(100).renderAll(40).length, 199);
  });

  test('remove drops matching entries', () => {
    const log = logOf(3);
    log.remove((e) => e.kind === 'system' && e.text !== 'entry 1');
    assert.deepEqual(log.render(40, 1), ['• entry 1']);
  });
});
