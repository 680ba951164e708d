// Corruption is visible: a transcript row whose body cannot be read shows as a marker in `sessions history`
// and chat.history (never silently skipped), doctor names it, and `doctor --fix` quarantines it (excluded
// with a reason, raw bytes kept), after which history and counts agree again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_CODES } from '../../src/cli/main.js';
import { chatHistory } from '../../src/protocol/methods/chat.js';
import { compile } from '../../src/protocol/schema.js';
import { Store } from '../../src/store/store.js';
import { connectOperator } from '../helpers/agent-gateway.js';
import { makeStateDir, randomToken, runCli, startGateway, type RunningGateway } from '../helpers/gateway-process.js';
import { withDb } from '../helpers/scenario-support.js';

const KEY = 'agent:main:main';
const CORRUPT = '{"role":"assistant","text":"the answer is'; // a torn write: JSON cut short

interface DoctorJson {
  checks: Array<{ id: string; status: string; findings: Array<{ id: string; message: string; fixable: boolean }> }>;
  fixed: Array<{ check: string; ok: boolean; action: string; backup?: string }>;
}

const transcriptCheck = (doc: DoctorJson) => doc.checks.find((c) => c.id === 'transcript-integrity')!;

test('an unreadable transcript row is shown as a marker, named by doctor, and quarantined by doctor --fix with its raw bytes kept', async (t) => {
  const token = randomToken();
  const config = { gateway: { auth: { mode: 'token', token } } };
  const stateDir = makeStateDir(config);
  let gw: RunningGateway | undefined;
  t.after(async () => {
    await gw?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  // With no gateway running: a session of three entries, then the middle row's body is torn.
  const store = Store.open(join(stateDir, 'state.db'));
  store.write(() => {
    store.sessions.ensure({ key: KEY, agentId: 'main', kind: 'main' }, 1_000);
    store.transcripts.append(KEY, 'r1', [{ role: 'user', text: 'what is the answer?' }, { role: 'assistant', text: '42' }, { role: 'user', text: 'thanks' }], 1_000);
  });
  const rowId = store.transcripts.list(KEY)[1]!.id;
  store.db.prepare('UPDATE messages SET body = ? WHERE id = ?').run(CORRUPT, rowId);
  store.close();

  gw = await startGateway({ stateDir, config, token });
  const cli = (...args: string[]) => runCli(args, { stateDir });

  const listed = await cli('sessions', 'list', '--json');
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal((JSON.parse(listed.stdout) as { sessions: Array<{ key: string; messageCount: number }> }).sessions.find((s) => s.key === KEY)?.messageCount, 3);
  const history = await cli('sessions', 'history', KEY);
  assert.equal(history.code, 0, history.stderr);
  assert.deepEqual(history.stdout.trim().split('\n'), [
    'user: what is the answer?',
    `assistant: [entry 2 of this history could not be read (transcript row id ${rowId}); run clawgate doctor to quarantine it]`,
    'user: thanks',
  ]);

  const op = await connectOperator(gw);
  const wire = await op.rpc('chat.history', { sessionKey: KEY });
  op.close();
  assert.equal(wire.ok, true, JSON.stringify(wire.error));
  assert.ok(compile(chatHistory.result).check(wire.payload), 'the answer with its marker is a valid chat.history result');
  assert.equal(wire.payload.messages.length, 3);
  assert.equal(wire.payload.messages[1].role, 'assistant');
  assert.match(wire.payload.messages[1].content[0].text, new RegExp(`entry 2 of this history could not be read \\(transcript row id ${rowId}\\)`));

  const found = await cli('doctor', '--json');
  assert.equal(found.code, EXIT_CODES.findings, found.stdout);
  const check = transcriptCheck(JSON.parse(found.stdout) as DoctorJson);
  assert.equal(check.status, 'error');
  assert.equal(check.findings[0]?.id, 'transcript-unreadable');
  assert.equal(check.findings[0]?.fixable, true);
  assert.match(check.findings[0]!.message, new RegExp(`session ${KEY}: row id ${rowId} \\(assistant: its body is not valid JSON\\)`));

  const fixed = await cli('doctor', '--fix', '--json');
  const doc = JSON.parse(fixed.stdout) as DoctorJson;
  const fix = doc.fixed.find((f) => f.check === 'transcript-integrity');
  assert.equal(fix?.ok, true, fixed.stdout);
  assert.match(fix!.action, new RegExp(`quarantined 1 unreadable transcript row \\(ids ${rowId}\\)`));
  assert.equal(transcriptCheck(doc).status, 'ok');
  assert.ok(fix!.backup, 'state.db was backed up before the change');

  const after = await cli('sessions', 'history', KEY);
  assert.deepEqual(after.stdout.trim().split('\n'), ['user: what is the answer?', 'user: thanks'], 'no marker once the row is quarantined');
  const relisted = JSON.parse((await cli('sessions', 'list', '--json')).stdout) as { sessions: Array<{ key: string; messageCount: number }> };
  assert.equal(relisted.sessions.find((s) => s.key === KEY)?.messageCount, 2, 'the count agrees with history');
  const row = withDb(stateDir, (db) => db.prepare('SELECT body, excluded_reason FROM messages WHERE id = ?').get(rowId)) as { body: string; excluded_reason: string };
  assert.equal(row.body, CORRUPT, 'the raw bytes are still there');
  assert.match(row.excluded_reason, /^quarantined by doctor --fix at \S+: its body is not valid JSON$/);

  const again = await cli('doctor', '--json');
  assert.equal(transcriptCheck(JSON.parse(again.stdout) as DoctorJson).status, 'ok');
});
