import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CUT_MARK, inert, inertJson, MAX_DISPLAY_NAME_CHARS, REMOVED_MARK as X } from './display-text.js';

/** Anything a terminal could act on, or that reorders text: none may survive inert. */
const ACTIVE_RE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

const CASES: ReadonlyArray<readonly [what: string, input: string, shown: string]> = [
  ['plain text is kept as it is', 'phone-app 1.2 (Pixel 8)', 'phone-app 1.2 (Pixel 8)'],
  ['non-ASCII letters and emoji are kept', 'Zoë’s 📱 телефон', 'Zoë’s 📱 телефон'],
  ['clear screen (ESC[2J) is removed whole', 'a\x1b[2Jb', `a${X}b`],
  ['cursor home with parameters (ESC[12;40H) is removed whole', '\x1b[12;40Hx', `${X}x`],
  ['conceal (ESC[8m) cannot hide what follows', 'ok\x1b[8m hidden\x1b[0m', `ok${X} hidden${X}`],
  ['a private-mode CSI (ESC[?1049h) is removed whole', '\x1b[?1049halt', `${X}alt`],
  ['OSC 52 clipboard write (BEL-terminated) is removed with its payload', 'x\x1b]52;c;cm0gLXJmIH4=\x07y', `x${X}y`],
  ['OSC title (ST-terminated) is removed with its payload', '\x1b]0;pwned\x1b\\name', `${X}name`],
  ['an unterminated OSC takes the rest of the string with it', 'name\x1b]52;c;AAAA', `name${X}`],
  ['C1 CSI (0x9b) is removed with its parameters', 'a\x9b2Jb', `a${X}b`],
  ['C1 OSC (0x9d) up to C1 ST (0x9c) is removed', 'a\x9d0;t\x9cb', `a${X}b`],
  ['a two-byte escape (ESC c, full reset) is removed', 'a\x1bcb', `a${X}b`],
  ['a lone ESC at the end is removed', 'name\x1b', `name${X}`],
  ['right-to-left override (U+202E) is removed', 'invoice\u202Egpj.exe', `invoice${X}gpj.exe`],
  ['bidi isolates (U+2066-2069) are removed', '\u2066a\u2069', `${X}a${X}`],
  ['NUL is marked, not dropped: no bogus scope turns into a real one', 'operator.re\x00ad', `operator.re${X}ad`],
  ['newline, carriage return and tab cannot start a fake line', 'a\nb\rc\td', `a${X}b${X}c${X}d`],
  ['DEL is removed', 'a\x7fb', `a${X}b`],
  ['a bare C1 control (0x85, next line) is removed', 'a\x85b', `a${X}b`],
];

for (const [what, input, shown] of CASES) {
  test(`inert: ${what}`, () => {
    const out = inert(input, MAX_DISPLAY_NAME_CHARS);
    assert.equal(out, shown);
    assert.doesNotMatch(out, ACTIVE_RE);
  });
}

test('inert: a long string is cut to the bound, the last character marking the cut', () => {
  const out = inert('a'.repeat(10_000), 64);
  assert.equal(out.length, 64);
  assert.equal(out, `${'a'.repeat(63)}${CUT_MARK}`);
  assert.equal(inert('a'.repeat(64), 64), 'a'.repeat(64), 'exactly at the bound is not cut');
});

test('inert: the bound counts code points, so an emoji is never split in half', () => {
  const out = inert('📱'.repeat(100), 10);
  assert.equal(Array.from(out).length, 10);
  assert.equal(out, `${'📱'.repeat(9)}${CUT_MARK}`);
});

test('inert: the bound applies after removal, and a long run of escapes stays bounded', () => {
  const out = inert('\x1b[2J'.repeat(5_000), 64);
  assert.equal(Array.from(out).length, 64);
  assert.doesNotMatch(out, ACTIVE_RE);
});

test('inert is idempotent', () => {
  for (const [, input] of CASES) {
    const once = inert(input, 20);
    assert.equal(inert(once, 20), once);
  }
});

test('inertJson: the same data for a JSON reader, with no raw control character in the text', () => {
  const value = { clientId: 'a\x1b[8mb', name: 'x\x9b2Jy', rtl: 'a\u202Eb', del: '\x7f', nul: '\x00', plain: 'Zoë 📱' };
  const json = inertJson(value, 2);
  assert.deepEqual(JSON.parse(json), value);
  assert.doesNotMatch(json.replace(/\n/g, ''), ACTIVE_RE, 'only the indentation\'s newlines are raw');
  assert.ok(json.includes('\\u009b') && json.includes('\\u202e') && json.includes('\\u007f') && json.includes('\\u001b'));
  assert.equal(inertJson({ a: 1 }), '{"a":1}');
});
