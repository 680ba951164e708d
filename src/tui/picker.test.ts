import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { visibleWidth } from '@mariozechner/pi-tui';
import { Picker } from './picker.js';
import { makeTheme } from './theme.js';

const items = [
  { value: 'agent:main:main', label: 'agent:main:main' },
  { value: 'agent:main:tui-2026-12-02-abc123', label: 'agent:main:tui-2026-12-02-abc123' },
  { value: 'agent:helper:main', label: 'agent:helper:main' },
];

function picker() {
  const p = new Picker('Switch session', items, makeTheme(false));
  const events: string[] = [];
  p.onPick = (i) => events.push(`pick ${i.value}`);
  p.onCancel = () => events.push('cancel');
  return { p, events };
}

describe('Picker', () => {
  test('typing filters fuzzily; Enter picks the best match', () => {
    const { p, events } = picker();
    for (const ch of 'helper') p.handleInput(ch);
    assert.deepEqual(
      p.matching.map((i) => i.value),
      ['agent:helper:main'],
    );
    p.handleInput('\r');
    assert.deepEqual(events, ['pick agent:helper:main']);
  });

  test('Down moves the choice; Esc cancels', () => {
    const { p, events } = picker();
    p.handleInput('\x1b[B');
    p.handleInput('\r');
    p.handleInput('\x1b');
    assert.deepEqual(events, ['pick agent:main:tui-2026-12-02-abc123', 'cancel']);
  });

  test('renders its title, the filter, the choices and the keys within the width', () => {
    const { p } = picker();
    const lines = p.render(40);
    assert.ok(lines.every((l) => visibleWidth(l) <= 40));
    const text = lines.join('\n');
    assert.match(text, /Switch session/);
    assert.match(text, /filter/);
    assert.match(text, /→ agent:main:main/);
    assert.match(text, /Enter picks · Esc cancels/);
  });
});
