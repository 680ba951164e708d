import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { helpText, parseInput, SLASH_COMMANDS, SlashCompletion } from './slash-commands.js';


describe('parseInput', () => {
  test('a slash command with its arguments; case does not matter', () => {
    assert.deepEqual(parseInput('/model fake/big'), { kind: 'command', name: 'model', args: ['fake/big'] });
    assert.deepEqual(parseInput('  /STATUS  '), { kind: 'command', name: 'status', args: [] });
    assert.deepEqual(parseInput('/devices approve ab12'), { kind: 'command', name: 'devices', args: ['approve', 'ab12'] });
  });

  test('an unknown command is not sent as a message', () => {
    assert.deepEqual(parseInput('/nope x'), { kind: 'unknown-command', name: 'nope' });
  });

  test('a message is trimmed; // sends a message that starts with a slash', () => {
    assert.deepEqual(parseInput('  hello\nworld  '), { kind: 'message', text: 'hello\nworld' });
    assert.deepEqual(parseInput('//etc/passwd is a path'), { kind: 'message', text: '/etc/passwd is a path' });
    assert.deepEqual(parseInput(' \n '), { kind: 'empty' });
  });

  test('help lists every command and the keys', () => {
    const help = helpText();
    for (const c of SLASH_COMMANDS) assert.match(help, new RegExp(`^/${c.name}\\b`, 'm'));
    assert.match(help, /Esc aborts the run/);
    assert.match(help, /Ctrl\+C clears the input, twice exits/);
  });
});

describe('SlashCompletion', () => {
  const completion = new SlashCompletion((name) => (name === 'model' ? [{ value: 'fake/fake-gpt', label: 'fake/fake-gpt' }, { value: 'fake/fake-big', label: 'fake/fake-big' }] : []));

  test('/ alone offers every command', async () => {
    const s = await completion.getSuggestions(['/'], 0, 1);
    assert.equal(s?.items.length, SLASH_COMMANDS.length);
  });

  test('a prefix narrows the commands (fuzzy)', async () => {
    const s = await completion.getSuggestions(['/ap'], 0, 3);
    assert.equal(s?.items[0]?.value, '/approvals');
    assert.equal(s?.prefix, '/ap');
  });

  test('an argument completes from the command\'s items', async () => {
    const s = await completion.getSuggestions(['/model big'], 0, 10);
    assert.deepEqual(
      s?.items.map((i) => i.value),
      ['fake/fake-big'],
    );
  });

  test('a command or argument typed out in full opens no menu, so Enter sends it', async () => {
    assert.equal(await completion.getSuggestions(['/status'], 0, 7), null);
    assert.equal(await completion.getSuggestions(['/model fake/fake-big'], 0, 20), null);
  });

  test('chat text, a second line, and a second argument complete nothing', async () => {
    assert.equal(await completion.getSuggestions(['hello /'], 0, 7), null);
    assert.equal(await completion.getSuggestions(['x', '/st'], 1, 3), null);
    assert.equal(await completion.getSuggestions(['/model a b'], 0, 10), null);
  });

  test('applying a command adds a space; applying an argument replaces the typed part', () => {
    assert.deepEqual(completion.applyCompletion(['/st'], 0, 3, { value: '/status', label: '/status' }, '/st'), { lines: ['/status '], cursorLine: 0, cursorCol: 8 });
    assert.deepEqual(completion.applyCompletion(['/model bi'], 0, 9, { value: 'fake/fake-big', label: '' }, 'bi'), { lines: ['/model fake/fake-big'], cursorLine: 0, cursorCol: 20 });
  });
});
