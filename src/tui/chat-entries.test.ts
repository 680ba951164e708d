import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WireMessage } from '../protocol/methods/chat.js';
import { entriesFromHistory, reportParts } from './chat-entries.js';

const at = (i: number) => 1_700_000_000_000 + i;
const user = (text: string, i = 0): WireMessage => ({ role: 'user', content: [{ type: 'text', text }], timestamp: at(i) });
const assistant = (text: string, i = 0, calls: { id: string; name: string; arguments: Record<string, unknown> }[] = []): WireMessage => ({
  role: 'assistant',
  content: [...(text ? [{ type: 'text' as const, text }] : []), ...calls.map((c) => ({ type: 'toolCall' as const, ...c }))],
  timestamp: at(i),
});
const result = (toolCallId: string, text: string, isError = false, i = 0): WireMessage => ({ role: 'toolResult', content: [{ type: 'text', text }], timestamp: at(i), toolCallId, toolName: 'exec', isError, durationMs: 12 });

describe('entriesFromHistory', () => {
  test('user and assistant text become entries in order', () => {
    assert.deepEqual(entriesFromHistory([user('hi'), assistant('hello')]), [
      { kind: 'user', text: 'hi' },
      { kind: 'assistant', text: 'hello' },
    ]);
  });

  test('a tool call and its later result are one card, in the call\'s place', () => {
    const entries = entriesFromHistory([assistant('let me look', 1, [{ id: 't1', name: 'exec', arguments: { command: 'ls' } }]), result('t1', 'a.txt'), assistant('done')]);
    assert.deepEqual(entries, [
      { kind: 'assistant', text: 'let me look' },
      { kind: 'tool', id: 't1', name: 'exec', args: { command: 'ls' }, state: 'ok', result: 'a.txt', durationMs: 12 },
      { kind: 'assistant', text: 'done' },
    ]);
  });

  test('a failed result marks the card as an error', () => {
    const [, card] = entriesFromHistory([assistant('', 0, [{ id: 't1', name: 'exec', arguments: {} }]), result('t1', 'denied', true)]);
    assert.equal(card, undefined, 'an assistant message with only a tool call has no text entry');
    const [only] = entriesFromHistory([assistant('', 0, [{ id: 't1', name: 'exec', arguments: {} }]), result('t1', 'denied', true)]);
    assert.equal(only?.kind === 'tool' && only.state, 'error');
  });

  test('a call without its result (still running, or cut off) stays running', () => {
    const [card] = entriesFromHistory([assistant('', 0, [{ id: 't9', name: 'web_fetch', arguments: { url: 'x' } }])]);
    assert.equal(card?.kind === 'tool' && card.state, 'running');
  });

  test('a result whose call is outside the window is a card of its own', () => {
    const [card] = entriesFromHistory([result('gone', 'out')]);
    assert.deepEqual(card, { kind: 'tool', id: 'gone', name: 'exec', args: {}, state: 'ok', result: 'out', durationMs: 12 });
  });

  test('a sub-agent report announced as a user message is a report, not the owner speaking', () => {
    const [e] = entriesFromHistory([user('[sub-agent report] "counter" (agent:main:subagent:1)\nstatus: ok\nresult:\n42')]);
    assert.equal(e?.kind, 'report');
  });

  test('whitespace-only assistant text makes no entry', () => {
    assert.deepEqual(entriesFromHistory([assistant('  \n')]), []);
  });
});

describe('reportParts', () => {
  test('splits the title, the status lines and the result body', () => {
    assert.deepEqual(reportParts('[sub-agent report] "c" (k)\nstatus: ok\nduration: 1.0 s\nresult:\nline 1\nline 2'), {
      title: '[sub-agent report] "c" (k)',
      meta: ['status: ok', 'duration: 1.0 s'],
      body: 'line 1\nline 2',
    });
  });

  test('an error report has its error as the body', () => {
    assert.equal(reportParts('[sub-agent report] (k)\nstatus: error\nerror:\nprovider down').body, 'provider down');
  });
});
