import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AgentEventPayload, ChatEventPayload } from '../agents/runtime-api.js';
import type { WireMessage } from '../protocol/methods/chat.js';
import { ChatLog } from './chat-log.js';
import { SessionView } from './session-view.js';
import { makeTheme } from './theme.js';

const KEY = 'agent:main:main';
let clock = 1_000;
const now = () => clock;

function setup() {
  const log = new ChatLog(makeTheme(false));
  const view = new SessionView(log, KEY, now);
  return { log, view };
}

let seq = 0;
const chat = (runId: string, state: ChatEventPayload['state'], text?: string, sessionKey = KEY): ChatEventPayload => ({
  runId,
  sessionKey,
  seq: ++seq,
  state,
  ...(text !== undefined ? { message: { role: 'assistant', content: [{ type: 'text', text }], timestamp: clock } } : {}),
});
const agent = (runId: string, stream: AgentEventPayload['stream'], data: Record<string, unknown>): AgentEventPayload => ({ runId, sessionKey: KEY, seq: ++seq, stream, ts: clock, data });
const msg = (role: 'user' | 'assistant', text: string, timestamp: number): WireMessage => ({ role, content: [{ type: 'text', text }], timestamp });

describe('SessionView', () => {
  test('deltas grow one assistant entry; the final one ends the run', () => {
    const { log, view } = setup();
    view.sent('hi', 'r1');
    assert.equal(view.runningRunId, 'r1');
    view.onChat(chat('r1', 'delta', 'Hel'));
    view.onChat(chat('r1', 'delta', 'Hello th'));
    const out = view.onChat(chat('r1', 'final', 'Hello there'));
    assert.deepEqual(log.entries, [
      { kind: 'user', text: 'hi', pending: false },
      { kind: 'assistant', text: 'Hello there', streaming: false },
    ]);
    assert.deepEqual(out.ended, { runId: 'r1', state: 'final' });
    assert.equal(view.runningRunId, undefined);
    assert.equal(out.foreignRun, undefined, 'a run we started is not foreign');
  });

  test('events of another session change nothing', () => {
    const { log, view } = setup();
    assert.equal(view.onChat(chat('x', 'delta', 'psst', 'agent:main:other')).changed, false);
    assert.equal(log.entries.length, 0);
  });

  test('a run nobody here started is reported once, at its first chat event (its message is written by then)', () => {
    const { view } = setup();
    assert.equal(view.onAgent(agent('r9', 'lifecycle', { phase: 'start' })).foreignRun, undefined);
    assert.equal(view.runningRunId, 'r9');
    assert.equal(view.onChat(chat('r9', 'delta', 'Report in')).foreignRun, 'r9');
    assert.equal(view.onChat(chat('r9', 'delta', 'Report in: 42')).foreignRun, undefined);
  });

  test('showStarter adds nothing when the log already ends with that message', () => {
    const { log, view } = setup();
    view.loadHistory([msg('user', 'from telegram', 1)]);
    view.showStarter([msg('user', 'from telegram', 1)]);
    assert.equal(log.entries.length, 1);
  });

  test('showStarter puts a report before the reply that is already streaming', () => {
    const { log, view } = setup();
    view.onChat(chat('r9', 'delta', 'Report in: 42'));
    view.showStarter([msg('user', 'older', 1), msg('user', '[sub-agent report] "c" (k)\nstatus: ok\nresult:\n42', 2)]);
    assert.deepEqual(
      log.entries.map((e) => e.kind),
      ['report', 'assistant'],
    );
  });

  test('a tool call is a running card; text before it is finished; its result completes the card', () => {
    const { log, view } = setup();
    view.sent('do it', 'r1');
    view.onChat(chat('r1', 'delta', 'Let me check.'));
    view.onAgent(agent('r1', 'tool', { phase: 'start', name: 'exec', toolCallId: 'c1', args: { command: 'ls' } }));
    view.onAgent(agent('r1', 'tool', { phase: 'update', name: 'exec', toolCallId: 'c1', status: 'waiting-approval', approvalId: 'ap1' }));
    assert.deepEqual(log.entries.at(-1), { kind: 'tool', id: 'c1', name: 'exec', args: { command: 'ls' }, state: 'waiting-approval', approvalId: 'ap1' });
    view.onAgent(agent('r1', 'tool', { phase: 'result', name: 'exec', toolCallId: 'c1', isError: false, result: { output: 'a.txt' }, durationMs: 40 }));
    view.onChat(chat('r1', 'final', 'Found a.txt.'));
    assert.deepEqual(
      log.entries.map((e) => (e.kind === 'assistant' ? `assistant:${e.text}:${e.streaming}` : e.kind === 'tool' ? `tool:${e.state}:${e.durationMs}` : e.kind)),
      ['user', 'assistant:Let me check.:false', 'tool:ok:40', 'assistant:Found a.txt.:false'],
    );
  });

  test('an error or an abort ends the run with a note that says so', () => {
    const { log, view } = setup();
    view.sent('x', 'r1');
    view.onChat({ ...chat('r1', 'error'), errorMessage: 'the model is unavailable' });
    assert.match(JSON.stringify(log.entries.at(-1)), /the run failed: the model is unavailable/);
    view.sent('y', 'r2');
    view.onChat(chat('r2', 'aborted', 'partial'));
    assert.deepEqual(log.entries.at(-1), { kind: 'system', text: 'the run was aborted', tone: 'warn' });
  });

  test('reloading the transcript never duplicates what was streamed, and keeps notes in their place by time', () => {
    const { log, view } = setup();
    clock = 1_000;
    view.sent('hello', 'r1');
    view.onChat(chat('r1', 'final', 'Hi'));
    clock = 2_500;
    view.note('connection lost; reconnecting', 'warn');
    view.loadHistory([msg('user', 'hello', 1_000), msg('assistant', 'Hi', 1_001), msg('user', 'later', 3_000), msg('assistant', 'ok', 3_001)]);
    view.loadHistory([msg('user', 'hello', 1_000), msg('assistant', 'Hi', 1_001), msg('user', 'later', 3_000), msg('assistant', 'ok', 3_001)]);
    assert.deepEqual(
      log.entries.map((e) => ('text' in e ? e.text : e.kind)),
      ['hello', 'Hi', 'connection lost; reconnecting', 'later', 'ok'],
    );
  });

  test('a run still streaming when the transcript is reloaded stays at the end', () => {
    const { log, view } = setup();
    view.sent('slow', 'r1');
    view.onChat(chat('r1', 'delta', 'one two'));
    view.loadHistory([msg('user', 'slow', 1)]);
    assert.deepEqual(log.entries.at(-1), { kind: 'assistant', text: 'one two', streaming: true });
    view.onChat(chat('r1', 'final', 'one two three'));
    assert.equal(log.entries.filter((e) => e.kind === 'assistant').length, 1);
  });

  test('approvals: shown once, answered once, and counted while pending', () => {
    const { log, view } = setup();
    clock = 10_000;
    const ev = { id: 'ap1', request: { command: 'rm x', cwd: '/w', agentId: 'main', sessionKey: KEY, runId: 'r1', sandboxed: false }, createdAtMs: 10_000, expiresAtMs: 70_000 };
    view.approvalRequested(ev);
    view.approvalRequested(ev);
    assert.equal(view.pendingApprovals.length, 1);
    assert.equal(view.approvalResolved({ id: 'ap1', decision: 'allow-once', resolvedBy: 'me', ts: 1 }, true), true);
    assert.equal(view.approvalResolved({ id: 'ap1', decision: 'deny', resolvedBy: 'other', ts: 2 }, false), false, 'a decided approval is not decided again');
    assert.equal(view.pendingApprovals.length, 0);
    assert.deepEqual(log.entries.filter((e) => e.kind === 'approval').map((e) => (e.kind === 'approval' ? e.outcome : '')), ['allowed once by you']);
  });

  test('an expired approval no longer counts as pending', () => {
    const { view } = setup();
    clock = 10_000;
    view.approvalRequested({ id: 'ap2', request: { command: 'x', cwd: '/', agentId: 'main', sessionKey: KEY, runId: 'r', sandboxed: true }, createdAtMs: 0, expiresAtMs: 11_000 });
    assert.equal(view.pendingApprovals.length, 1);
    clock = 11_000;
    assert.equal(view.pendingApprovals.length, 0);
  });

  test('switching sessions clears the log but keeps approvals still waiting', () => {
    const { log, view } = setup();
    clock = 10_000;
    view.note('a note');
    view.approvalRequested({ id: 'ap3', request: { command: 'x', cwd: '/', agentId: 'main', sessionKey: KEY, runId: 'r', sandboxed: true }, createdAtMs: 0, expiresAtMs: 99_000 });
    view.switchTo('agent:main:other');
    assert.deepEqual(
      log.entries.map((e) => e.kind),
      ['approval'],
    );
  });

  test('a lost connection stops the streaming cursor and forgets the running run', () => {
    const { log, view } = setup();
    view.sent('x', 'r1');
    view.onChat(chat('r1', 'delta', 'part'));
    view.connectionLost();
    assert.deepEqual(log.entries.at(-1), { kind: 'assistant', text: 'part', streaming: false });
    assert.equal(view.runningRunId, undefined);
  });
});
