import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CronJob } from '../protocol/cron-job.js';
import { Store } from '../store/store.js';
import { makeStateDir, runCli } from '../../test/helpers/gateway-process.js';

/** Every entry under a dir with its size, mtime and SHA-256 (directories by name only): what "unchanged" means. */
function fileFacts(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        out[`${relative(dir, p)}/`] = 'dir';
        walk(p);
      } else {
        out[relative(dir, p)] = `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
      }
    }
  };
  walk(dir);
  return out;
}

function job(id: string, name: string, over: Partial<CronJob> = {}): CronJob {
  return {
    id,
    name,
    agentId: 'main',
    enabled: true,
    deleteAfterRun: false,
    createdAtMs: 1_000,
    updatedAtMs: 1_000,
    schedule: { kind: 'cron', expr: '0 9 * * *' },
    sessionTarget: 'main',
    wakeMode: 'now',
    payload: { kind: 'systemEvent', text: 'good morning' },
    state: { consecutiveErrors: 0, nextRunAtMs: 9_000_000 },
    ...over,
  };
}

const user = (text: string) => ({ role: 'user' as const, text });
const MORNING = '0f3c2a1b-9d8e-4c55-8a0b-000000000001';
const NIGHTLY = '0f3c2a1b-9d8e-4c55-8a0b-000000000002';
const EVENING = '0f3c2a1b-9d8e-4c55-8a0b-000000000003';
const FAR = Date.now() + 3_600_000;

/** The state as it was when the backup was made. */
function seedBackupState(store: Store): void {
  store.write(() => {
    store.sessions.ensure({ key: 'agent:main:main', agentId: 'main', kind: 'main' }, 1_000);
    store.transcripts.append('agent:main:main', 'r1', [user('hello'), user('again')], 1_000);
    store.sessions.ensure({ key: 'agent:main:telegram:dm:7', agentId: 'main', kind: 'other' }, 1_000);
    store.transcripts.append('agent:main:telegram:dm:7', 'r2', [user('hi'), user('there'), user('bot')], 1_000);
    store.cronJobs.save(job(MORNING, 'morning'));
    store.cronJobs.save(job(NIGHTLY, 'nightly'));
    store.cronRuns.claim({ jobId: MORNING, scheduledAtMs: 1_000, runId: 'run-1', manual: false, startedAtMs: 1_000 });
    store.providerStates.upsert({ providerId: 'openai', errorClass: 'rate_limit', untilMs: 5_000, failures: 2, detail: 'slow down', updatedAtMs: 1_000 });
    store.systemEvents.enqueue('agent:main:main', 'build finished', 'cron', 1_000);
    store.channelPairing.allow({ channel: 'telegram', senderId: '222', senderName: '@bob', approvedAtMs: 1_000, approvedBy: 'owner' });
    store.channelPairing.insert({ channel: 'telegram', code: 'CARL2345', senderId: '333', senderName: '@carl', chatId: '333', createdAtMs: 1_000, expiresAtMs: FAR });
    store.execAllowlist.add({ agentId: 'main', pattern: 'git status *', addedAtMs: 1_000, addedBy: 'cli-local' });
    store.execApprovals.insert({ id: 'aaaa1111-0000-4000-8000-000000000001', agentId: 'main', sessionKey: 'agent:main:main', runId: 'r1', command: 'make deploy', cwd: '/w', sandboxed: false, createdAtMs: 1_000, expiresAtMs: FAR });
  });
}

/** What happened after the backup: every aggregate moves on. */
function moveOn(store: Store): void {
  store.write(() => {
    const added = store.transcripts.append('agent:main:main', 'r3', Array.from({ length: 12 }, (_, i) => user(`later ${i}`)), 2_000);
    store.transcripts.exclude(added[0]!.id, 'quarantined: unreadable body');
    const first = store.transcripts.list('agent:main:main')[0]!;
    store.transcripts.exclude(first.id, 'orphan tool result');
    store.sessions.delete('agent:main:telegram:dm:7');
    store.sessions.ensure({ key: 'agent:main:subagent:s1', agentId: 'main', kind: 'subagent', label: 'research' }, 2_000);
    store.transcripts.append('agent:main:subagent:s1', 'r4', [user('dig')], 2_000);
    store.cronJobs.delete(NIGHTLY);
    store.cronJobs.save(job(EVENING, 'evening'));
    store.cronJobs.save(job(MORNING, 'morning', { enabled: false, schedule: { kind: 'every', everyMs: 60_000 }, state: { consecutiveErrors: 1, nextRunAtMs: 9_500_000, lastStatus: 'error' } }));
    for (const at of [2_000, 3_000]) store.cronRuns.claim({ jobId: MORNING, scheduledAtMs: at, runId: `run-${at}`, manual: false, startedAtMs: at });
    store.providerStates.delete('openai');
    store.providerStates.upsert({ providerId: 'anthropic', errorClass: 'auth', keyFingerprint: 'sha256:abc', failures: 1, detail: 'bad key', updatedAtMs: 2_000 });
    store.systemEvents.take('agent:main:main', 10_000);
    store.systemEvents.enqueue('agent:main:main', 'deploy done', 'cron', 2_000);
    store.systemEvents.enqueue('agent:main:main', 'tests green', 'cron', 2_000);
    store.channelPairing.disallow('telegram', '222');
    store.channelPairing.allow({ channel: 'telegram', senderId: '111', senderName: '@ann', approvedAtMs: 2_000, approvedBy: 'owner' });
    store.channelPairing.deleteCode('telegram', 'CARL2345');
    store.channelPairing.insert({ channel: 'telegram', code: 'DANA6789', senderId: '444', senderName: '@dan', chatId: '444', createdAtMs: 2_000, expiresAtMs: FAR });
    store.execAllowlist.remove('main', 'git status *');
    store.execAllowlist.add({ agentId: '*', pattern: 'rm -rf build', addedAtMs: 2_000, addedBy: 'cli-local' });
    store.execApprovals.decide('aaaa1111-0000-4000-8000-000000000001', { status: 'denied', decidedAtMs: 2_000, decidedBy: 'cli-local', how: 'deny' });
    store.execApprovals.insert({ id: 'bbbb2222-0000-4000-8000-000000000002', agentId: 'main', sessionKey: 'agent:main:main', runId: 'r2', command: 'ls', cwd: '/w', sandboxed: true, createdAtMs: 2_000, expiresAtMs: FAR });
    store.audit.append({ tsMs: 2_000, kind: 'pairing.expired', actor: 'test' });
  });
}

const EXPECTED: ReadonlyArray<[string, RegExp]> = [
  ['session loses messages', /~ session agent:main:main loses 12 messages \(added since the backup\); 1 entry changes its exclusion mark \(repaired or quarantined since the backup\)/],
  ['session removed', /- session agent:main:subagent:s1 \(1 message\) is removed/],
  ['session comes back', /\+ session agent:main:telegram:dm:7 comes back \(3 messages\)/],
  ['cron job removed', /- cron job 'evening' \(id 0f3c2a1b-9d8\) is removed/],
  ['cron job comes back', /\+ cron job 'nightly' \(id 0f3c2a1b-9d8\) comes back \(enabled\)/],
  ['cron job changed', /~ cron job 'morning' \(id 0f3c2a1b-9d8\): enabled again; schedule as in the backup; run state rolls back \(next run .* last status error -> none, error streak 1 -> 0\)/],
  ['cron run history', /~ cron job 'morning' \(id 0f3c2a1b-9d8\) loses 2 runs recorded since the backup/],
  ['provider cleared', /- provider anthropic: its failure mark \(auth, 1 failure\) is cleared/],
  ['provider marked again', /\+ provider openai: marked again \(rate_limit, 2 failures, window already over\)/],
  ['system events dropped', /- 2 queued system events for agent:main:main are dropped/],
  ['system event back', /\+ 1 system event for agent:main:main is queued again/],
  ['sender unapproved', /- Telegram sender @ann \(id 111\) is no longer approved/],
  ['sender approved again', /\+ Telegram sender @bob \(id 222\) is approved again/],
  ['code dropped', /- pairing code DANA6789 of Telegram sender @dan \(id 444\) is dropped/],
  ['code back', /\+ pairing code CARL2345 of Telegram sender @carl \(id 333\) comes back/],
  ['allowlist entry removed', /- "rm -rf build" for every agent is no longer allowed \(added after the backup was made\); it asks again/],
  ['allowlist entry back', /\+ "git status \*" for agent main is allowed again: it runs without asking/],
  ['approval requests since the backup', /- 1 request made since the backup leave the history/],
  ['approval request back pending', /~ request aaaa1111 \("make deploy"\), denied now, comes back pending; the gateway expires it on start, it never runs/],
  ['audit log', /Audit log:\n {2}~ 1 event now, 0 in the backup: the current log leaves the live store/],
];

/** A state dir whose store holds the backup-time state, and where its archive goes. */
function seededStateDir(t: TestContext, suffix: string) {
  const stateDir = makeStateDir({ gateway: { auth: { mode: 'none' } } });
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const dbPath = join(stateDir, 'state.db');
  const seed = Store.open(dbPath);
  seedBackupState(seed);
  seed.close();
  const archive = join(stateDir, '..', `${stateDir.split('/').pop()}-${suffix}.tar.gz`);
  t.after(() => rmSync(archive, { force: true }));
  return { stateDir, dbPath, archive };
}

test('restore without --yes names what rolls back in every aggregate and leaves every file of the state dir as it was', async (t) => {
  const { stateDir, dbPath, archive } = seededStateDir(t, 'b');
  const made = await runCli(['backup', 'create', '--out', archive], { stateDir });
  assert.equal(made.code, 0, made.stderr);
  const later = Store.open(dbPath);
  moveOn(later);
  later.close();
  assert.deepEqual(readdirSync(stateDir).filter((n) => n.startsWith('state.db')), ['state.db'], 'a closed store leaves no -wal or -shm');

  const before = fileFacts(stateDir);
  const r = await runCli(['backup', 'restore', archive], { stateDir });
  assert.equal(r.code, 0, r.stderr);
  for (const [what, line] of EXPECTED) assert.match(r.stdout, line, what);
  assert.deepEqual(fileFacts(stateDir), before, 'names, sizes, mtimes and hashes are unchanged; no state.db-wal/-shm, no backups/ dir');

  const json = await runCli(['backup', 'restore', archive, '--json'], { stateDir });
  const diff = (JSON.parse(json.stdout) as { diff: Record<string, unknown> }).diff;
  for (const key of ['agents', 'cron', 'channels', 'exec', 'audit']) assert.ok(diff[key], key);
  assert.doesNotMatch(json.stdout, /sha256:abc/, 'a rejected key fingerprint is compared, never shown');
  assert.deepEqual(fileFacts(stateDir), before);
});

test('restore without --yes reads a store that a live writer holds in WAL mode without touching its -wal or -shm', async (t) => {
  const { stateDir, dbPath, archive } = seededStateDir(t, 'w');
  assert.equal((await runCli(['backup', 'create', '--out', archive], { stateDir })).code, 0);

  // A writer that keeps its changes in the WAL (no checkpoint) and stays open while restore runs.
  const live = Store.open(dbPath);
  t.after(() => live.close());
  live.db.pragma('wal_autocheckpoint = 0');
  live.write(() => live.cronJobs.save(job(EVENING, 'evening')));
  assert.deepEqual(readdirSync(stateDir).filter((n) => n.startsWith('state.db')).sort(), ['state.db', 'state.db-shm', 'state.db-wal']);

  const before = fileFacts(stateDir);
  const r = await runCli(['backup', 'restore', archive], { stateDir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /- cron job 'evening' \(id 0f3c2a1b-9d8\) is removed/, 'rows only in the WAL are seen');
  assert.deepEqual(fileFacts(stateDir), before);
});
