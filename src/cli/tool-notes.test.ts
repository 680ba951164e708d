import assert from 'node:assert/strict';
import test from 'node:test';
import { toolNote } from './tool-notes.js';

test('a tool call is shown as it starts, with its arguments on one line', () => {
  assert.equal(toolNote({ phase: 'start', name: 'exec', args: { command: 'df -h' } }), '→ exec({"command":"df -h"})');
});

test('a result shows its time; a failure its error', () => {
  assert.equal(toolNote({ phase: 'result', name: 'read', isError: false, durationMs: 12 }), '← read (12 ms)');
  assert.equal(toolNote({ phase: 'result', name: 'exec', isError: true, durationMs: 2500, result: { status: 'error', error: 'denied by the owner' } }), '← exec failed (2.5 s): denied by the owner');
});

test('a wait for approval names the id and the two commands that end it', () => {
  const note = toolNote({ phase: 'update', name: 'exec', status: 'waiting-approval', approvalId: 'ab12', expiresAtMs: Date.now() + 60_000 })!;
  assert.match(note, /exec is waiting for the owner's approval \(ab12, expires /);
  assert.match(note, /clawgate approvals approve ab12 {2}\| {2}clawgate approvals deny ab12$/);
});

test('what the model chose is inert: escape sequences in a tool name or argument never reach the terminal', () => {
  const note = toolNote({ phase: 'start', name: 'x\u001b[2Jy', args: { command: '\u001b]52;c;AAAA\u0007' } })!;
  assert.ok(!note.includes('\u001b'));
  assert.ok(note.includes('\uFFFD'));
});

test('events that need no line give none', () => {
  assert.equal(toolNote({ phase: 'update', name: 'exec', status: 'running' }), undefined);
  assert.equal(toolNote(null), undefined);
});
