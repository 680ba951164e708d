import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { visibleWidth } from '@mariozechner/pi-tui';
import type { ChatEntry } from './chat-entries.js';
import { EXPANDED_MAX_LINES, entryLines, inertText } from './entry-lines.js';
import { makeTheme } from './theme.js';

const plain = makeTheme(false);
const colour = makeTheme(true);
const ESC = '\x1b';

const samples: ChatEntry[] = [
  { kind: 'user', text: 'a question that is long enough to wrap at a narrow width, with words' },
  { kind: 'assistant', text: '# Heading\n\nSome **bold** and `code`, then a list:\n\n- one\n- two\n\n```\nconst x = 1;\n```' },
  { kind: 'assistant', text: 'still coming', streaming: true },
  { kind: 'report', text: '[sub-agent report] "counter" (agent:main:subagent:abc)\nstatus: ok\nduration: 1.2 s\nresult:\nl1\nl2\nl3\nl4\nl5' },
  { kind: 'system', text: 'connection lost (1006); reconnecting', tone: 'warn' },
  { kind: 'tool', id: 't', name: 'exec', args: { command: 'ls -la /some/quite/long/path/that/goes/on' }, state: 'ok', result: 'a\nb\nc', durationMs: 1234 },
  { kind: 'tool', id: 'u', name: 'exec', args: {}, state: 'error', result: 'command denied by the owner' },
  { kind: 'approval', id: '1c06e617-cf79-4293', command: 'rm -rf build', cwd: '/home/me/ws', agentId: 'main', sessionKey: 'agent:main:main', sandboxed: true, expiresAtMs: Date.now() + 60_000 },
];

describe('entryLines', () => {
  test('every line of every kind fits the width, from 12 to 160 columns, collapsed and expanded', () => {
    for (const e of samples) {
      for (let width = 12; width <= 160; width += 7) {
        for (const expanded of [false, true]) {
          for (const line of entryLines(e, width, colour, expanded)) assert.ok(visibleWidth(line) <= width, `${e.kind} at ${width}: ${JSON.stringify(line)}`);
        }
      }
    }
  });

  test('without colour (NO_COLOR) no style is written: the only escape is the reset that ends a cut line', () => {
    for (const e of samples) for (const line of entryLines(e, 40, plain, true)) assert.ok(!line.replaceAll(`${ESC}[0m`, '').includes(ESC), `${e.kind}: ${JSON.stringify(line)}`);
  });

  test('the user\'s message is marked with ›; a streaming reply ends with a cursor block', () => {
    assert.match(entryLines(samples[0]!, 80, plain, false)[0]!, /^› a question/);
    assert.equal(entryLines(samples[2]!, 80, plain, false).at(-1), '▍');
  });

  test('assistant markdown is rendered, not shown as source', () => {
    const text = entryLines(samples[1]!, 80, plain, false).join('\n');
    assert.match(text, /Heading/);
    assert.doesNotMatch(text, /\*\*bold\*\*/);
    assert.match(text, /bold/);
  });

  test('a tool card is one line collapsed, with its name, arguments and time; expanded it shows arguments and result', () => {
    const collapsed = entryLines(samples[5]!, 100, plain, false);
    assert.deepEqual(collapsed, ['▸ exec {"command":"ls -la /some/quite/long/path/that/goes/on"}  ✓ 1.2 s']);
    const expanded = entryLines(samples[5]!, 100, plain, true);
    assert.equal(expanded[0]!.startsWith('▾ exec'), true);
    assert.ok(expanded.includes('      "command": "ls -la /some/quite/long/path/that/goes/on"'));
    assert.deepEqual(expanded.slice(-3), ['    a', '    b', '    c']);
  });

  test('a failed tool shows its error even collapsed', () => {
    assert.deepEqual(entryLines(samples[6]!, 100, plain, false), ['▸ exec {}  ✗ failed', '    command denied by the owner']);
  });

  test('an expanded result is capped and says how much more there is', () => {
    const long: ChatEntry = { kind: 'tool', id: 'x', name: 'read', args: {}, state: 'ok', result: Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') };
    const lines = entryLines(long, 80, plain, true);
    assert.match(lines.at(-1)!, new RegExp(`… ${100 - EXPANDED_MAX_LINES} more lines`));
  });

  test('a pending approval names the agent, the command, where it runs and the three keys', () => {
    const lines = entryLines(samples[7]!, 120, plain, false);
    assert.equal(lines[0], '⚠ agent main wants to run a command (approval 1c06e617):');
    assert.equal(lines[1], '    rm -rf build');
    assert.match(lines[2]!, /^ {4}in \/home\/me\/ws, sandboxed; expires /);
    assert.match(lines[3]!, /\[y\] allow once {2}\[a\] allow always {2}\[n\] deny/);
  });

  test('a decided approval is one line with the outcome first', () => {
    const done: ChatEntry = { ...(samples[7] as Extract<ChatEntry, { kind: 'approval' }>), outcome: 'denied by you' };
    assert.deepEqual(entryLines(done, 120, plain, false), ['✗ denied by you: rm -rf build (approval 1c06e617, /home/me/ws, sandboxed)']);
  });

  test('a collapsed report shows its title, status and the first lines of the result', () => {
    const lines = entryLines(samples[3]!, 100, plain, false);
    assert.deepEqual(lines, ['↩ [sub-agent report] "counter" (agent:main:subagent:abc)', '    status: ok · duration: 1.2 s', '    l1', '    l2', '    l3', '    … 2 more lines (Ctrl+O expands)']);
    assert.equal(entryLines(samples[3]!, 100, plain, true).length, 7);
  });
});

describe('inertText', () => {
  test('escape sequences and control characters from the model are made visible, never sent to the terminal', () => {
    const out = inertText('clear\x1b[2J title\x1b]0;pwned\x07 bell\x07 ok');
    assert.ok(!out.includes(ESC) && !out.includes('\x07'));
    assert.match(out, /clear\uFFFD title\uFFFD bell\uFFFD ok/);
  });

  test('newlines stay as layout and tabs become spaces', () => {
    assert.equal(inertText('a\n\tb'), 'a\n    b');
  });
});
