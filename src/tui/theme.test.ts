import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { colorWanted, makeTheme } from './theme.js';

describe('theme', () => {
  test('NO_COLOR (any non-empty value) and TERM=dumb turn colour off; otherwise it is on', () => {
    assert.equal(colorWanted({ NO_COLOR: '1', TERM: 'xterm-256color' }), false);
    assert.equal(colorWanted({ TERM: 'dumb' }), false);
    assert.equal(colorWanted({ NO_COLOR: '', TERM: 'xterm' }), true);
    assert.equal(colorWanted({}), true);
  });

  test('without colour every style is the identity', () => {
    const t = makeTheme(false);
    for (const style of [t.dim, t.bold, t.accent, t.user, t.ok, t.warn, t.error, t.bar, t.markdown.heading, t.markdown.code]) assert.equal(style('x'), 'x');
  });

  test('a style closed inside the text is opened again, so the outer style holds to the end', () => {
    const t = makeTheme(true);
    assert.equal(t.dim(`a ${t.bold('b')} c`), '\x1b[2ma \x1b[1mb\x1b[22m\x1b[2m c\x1b[22m');
    assert.equal(t.markdown.heading('H'), '\x1b[1m\x1b[36mH\x1b[39m\x1b[22m');
  });
});
