import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway } from '../helpers/gateway-process.js';
import { makeDevice } from '../helpers/raw-client.js';
import { cleanup } from '../helpers/scenario-support.js';
import { answerable, closing, mutatedConnect, sessionConnect, type Message } from './fuzz-frames.js';
import { errorShapeProblems, frameOutcome, handshakeClose, type Expect, type Phase, type TwoPhase } from './fuzz-oracle.js';
import { Probe, type Answer } from './fuzz-probe.js';
import { countFromEnv, prng, seedFromEnv } from './prng.js';

// The fuzz test (issue 3, item 7): random and mutated frames against ONE running gateway process over many
// sockets. The gateway must never crash, keep its memory bounded, answer /healthz throughout, and give
// every frame its precise documented outcome (fuzz-oracle.ts): an error with a catalogue code, or a close
// with the documented code and reason; for `agent`, an acceptance and then exactly one more response (the
// gateway has no model configured, so runs end at once with MODEL_NOT_CONFIGURED). Never a hang.
//   CLAWGATE_FUZZ_FRAMES  frames to send (default 100000 with CI=true, else 10000)
//   CLAWGATE_FUZZ_SEED    replay a run (the seed is printed; each socket draws from its own fork of it)

const TARGET_FRAMES = countFromEnv('CLAWGATE_FUZZ_FRAMES', 100_000, 10_000);
const SEED = seedFromEnv('CLAWGATE_FUZZ_SEED');
const CONCURRENCY = 32;
/** Longest wait for a response or a close before the frame counts as a hang. */
const ANSWER_TIMEOUT_MS = 20_000;
/** Requests pipelined on one socket after its handshake (below the gateway's in-flight limit of 256). */
const BATCH: readonly [number, number] = [10, 120];
const PRE_HANDSHAKE_SHARE = 0.15;
const MUTATED_CONNECT_SHARE = 0.2;
/** Sockets that send a frame over the 25 MiB limit (one before the handshake, one after). */
const OVERSIZE_PRE = 7;
const OVERSIZE_POST = 23;
const RSS_PEAK_LIMIT_MB = 300;
/**
 * After the run the gateway's RSS must come back within this of its warm baseline: the RSS once half of
 * the frames were sent (V8 and malloc keep what they grew to under load, so the cold start-up RSS is not
 * the bar; growth between the warm sample and the end would be a leak).
 */
const RSS_SETTLE_MB = 64;
const WARM_SHARE = 0.5;
const HEALTH_EVERY_MS = 250;
const HEALTH_TIMEOUT_MS = 5_000;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function healthz(port: number): Promise<string | undefined> {
  return new Promise((res) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', timeout: HEALTH_TIMEOUT_MS }, (r) => {
      let body = '';
      r.on('data', (d: Buffer) => (body += d.toString()));
      r.on('end', () => res(r.statusCode === 200 && (JSON.parse(body) as { ok?: boolean }).ok === true ? undefined : `status ${r.statusCode}: ${body.slice(0, 200)}`));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${HEALTH_TIMEOUT_MS}ms`)));
    req.on('error', (err) => res(err.message));
  });
}

test('fuzz: random and mutated frames get precise outcomes; the gateway never crashes, hangs or grows', { timeout: 20 * 60_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (replay with CLAWGATE_FUZZ_SEED=${SEED}), frames ${TARGET_FRAMES}`);
  const gw = await startGateway();
  const pid = gw.child.pid!;
  const token = gw.token!;
  const pool = Array.from({ length: 8 }, () => makeDevice());
  const ids = pool.map((d) => d.deviceId);
  const rng = prng(SEED);
  const problems: string[] = [];
  let exited: string | undefined;
  gw.child.once('exit', (code, signal) => (exited = `gateway exited (code ${code}, signal ${signal})`));

  let sent = 0;
  let accounted = 0;
  const outcomes: Record<string, number> = {};
  const tally = (key: string) => (outcomes[key] = (outcomes[key] ?? 0) + 1);

  /** Check one answer against its expectation; on an error in a handshake, also the close that must follow. */
  const judge = async (p: Probe, where: string, expect: Expect, answer: Answer): Promise<boolean> => {
    accounted++;
    const fail = (what: string) => {
      problems.push(`${where}: ${what}`);
      return false;
    };
    if (expect.t === 'close') return fail(`expected a close, judged as a response`);
    if ('timeout' in answer) return fail(`no answer within ${ANSWER_TIMEOUT_MS}ms (hang)`);
    if ('closed' in answer) return fail(`socket closed ${answer.closed.code} "${answer.closed.reason}" instead of answering`);
    const { frame } = answer;
    if (frame.ok) {
      tally('ok');
      if (!expect.ok) return fail(`ok, expected ${expect.codes.join('|')}`);
      const status = (frame.payload as { status?: unknown } | undefined)?.status;
      if (expect.t === 'res' && expect.twoPhase && status !== expect.twoPhase.acceptedStatus) return fail(`ok with status ${JSON.stringify(status)}, expected ${expect.twoPhase.acceptedStatus} first`);
      return true;
    }
    const shape = errorShapeProblems(frame.error);
    if (shape.length > 0) return fail(shape.join('; '));
    const code = frame.error!.details!.code!;
    tally(code);
    if (!expect.codes.includes(code)) return fail(`got ${code} "${frame.error!.message!.slice(0, 200)}", expected ${expect.ok ? 'ok or ' : ''}${expect.codes.join('|') || 'ok'}`);
    if (expect.t === 'res') return true;
    const want = handshakeClose(code, frame.error!.message!);
    const closed = await p.closeWithin(ANSWER_TIMEOUT_MS);
    if (!closed) return fail(`${code} was not followed by a close (hang)`);
    if (closed.code !== want.code || !want.matches(closed.reason) || (expect.reason !== undefined && closed.reason !== expect.reason)) {
      return fail(`${code} closed ${closed.code} "${closed.reason}", expected ${want.code} ${expect.reason ?? want.expected}`);
    }
    return true;
  };

  /** Check the second response of a two-phase call (it is no frame of its own: `accounted` counts frames). */
  const judgeFinal = (where: string, spec: TwoPhase, first: Answer, answer: Answer): void => {
    const fail = (what: string) => void problems.push(`${where} (second response): ${what}`);
    if ('timeout' in answer) return fail(`no second response within ${ANSWER_TIMEOUT_MS}ms (hang)`);
    if ('closed' in answer) return fail(`socket closed ${answer.closed.code} "${answer.closed.reason}" instead of answering`);
    const { frame } = answer;
    if (frame.ok) {
      tally('final ok');
      const payload = frame.payload as { status?: unknown; runId?: unknown } | undefined;
      const runId = 'frame' in first ? (first.frame.payload as { runId?: unknown } | undefined)?.runId : undefined;
      if (payload?.status !== spec.finalStatus) return fail(`ok with status ${JSON.stringify(payload?.status)}, expected ${spec.finalStatus}`);
      if (payload.runId !== runId) return fail(`runId ${JSON.stringify(payload.runId)}, accepted as ${JSON.stringify(runId)}`);
      return;
    }
    const shape = errorShapeProblems(frame.error);
    if (shape.length > 0) return fail(shape.join('; '));
    const code = frame.error!.details!.code!;
    tally(`final ${code}`);
    if (!spec.finalCodes.includes(code)) fail(`got ${code} "${frame.error!.message!.slice(0, 200)}", expected ok or ${spec.finalCodes.join('|')}`);
  };

  /** Send one message whose outcome may be a close (the last message a socket sends). */
  const deliver = async (p: Probe, m: Message, phase: Phase, scopes: readonly string[], where: string): Promise<void> => {
    const expect = m.expect ?? frameOutcome(m.data, phase, scopes);
    if (expect.t === 'close') {
      p.send(m);
      sent++;
      accounted++;
      const closed = await p.closeWithin(ANSWER_TIMEOUT_MS);
      tally(`close ${closed?.code}`);
      if (!closed) problems.push(`${where}: ${m.label}: no close within ${ANSWER_TIMEOUT_MS}ms (hang)`);
      else if (closed.code !== expect.code || closed.reason !== expect.reason) problems.push(`${where}: ${m.label}: closed ${closed.code} "${closed.reason}", expected ${expect.code} "${expect.reason}"`);
      return;
    }
    const id = (JSON.parse(typeof m.data === 'string' ? m.data : m.data.toString('utf8')) as { id: string }).id;
    p.expect(id);
    p.send(m);
    sent++;
    await judge(p, `${where}: ${m.label}`, expect, await p.answer(id, ANSWER_TIMEOUT_MS));
  };

  const runSocket = async (index: number): Promise<void> => {
    const r = rng.fork(index);
    const where = `socket ${index}`;
    const p = new Probe(gw.url);
    try {
      const nonce = await Promise.race([p.challenge, sleep(ANSWER_TIMEOUT_MS, undefined, { ref: false })]);
      if (nonce === undefined) {
        problems.push(`${where}: no connect.challenge`);
        return;
      }
      const x = r.next();
      if (index === OVERSIZE_PRE || x < PRE_HANDSHAKE_SHARE) {
        await deliver(p, closing(r, 'pre', index === OVERSIZE_PRE), 'pre', [], `${where} (before handshake)`);
        return;
      }
      const plan = x < PRE_HANDSHAKE_SHARE + MUTATED_CONNECT_SHARE && index !== OVERSIZE_POST ? mutatedConnect(r, token, pool) : sessionConnect(r, token);
      p.expect('c');
      p.send(plan.build(nonce));
      sent++;
      const answer = await p.answer('c', ANSWER_TIMEOUT_MS);
      const passed = await judge(p, `${where}: connect ${plan.label}`, plan.expect, answer);
      if (!passed || !('frame' in answer) || !answer.frame.ok || !plan.label.startsWith('session')) return;

      const batch = Array.from({ length: r.int(...BATCH) }, (_, i) => ({ id: `${index}.${i}`, ...answerable(r, `${index}.${i}`, ids) }));
      const expects = batch.map((m) => frameOutcome(m.data, 'post', plan.scopes));
      expects.forEach((e, i) => assert.equal(e.t, 'res', `generator bug: ${batch[i]!.label} is not answerable`));
      const twoPhase = expects.map((e) => (e.t === 'res' ? e.twoPhase : undefined));
      batch.forEach((m, i) => p.expect(m.id, twoPhase[i] !== undefined));
      for (const m of batch) p.send(m);
      sent += batch.length;
      const answers = await Promise.all(batch.map((m) => p.answer(m.id, ANSWER_TIMEOUT_MS)));
      for (let i = 0; i < batch.length; i++) await judge(p, `${where}: ${batch[i]!.label} (id ${batch[i]!.id})`, expects[i]!, answers[i]!);
      // Accepted two-phase calls: exactly one more response each, awaited before the socket sends anything
      // else (a third response, or a second without an acceptance, is a stray: see Probe).
      const accepted = batch.flatMap((m, i) => (twoPhase[i] && Probe.accepted(answers[i]!) ? [i] : []));
      const finals = await Promise.all(accepted.map((i) => p.final(batch[i]!.id, ANSWER_TIMEOUT_MS)));
      accepted.forEach((i, k) => judgeFinal(`${where}: ${batch[i]!.label} (id ${batch[i]!.id})`, twoPhase[i]!, answers[i]!, finals[k]!));
      if (index === OVERSIZE_POST || r.chance(0.5)) await deliver(p, closing(r, 'post', index === OVERSIZE_POST), 'post', plan.scopes, where);
    } finally {
      await p.end(ANSWER_TIMEOUT_MS);
      for (const s of p.strays) problems.push(`${where}: stray response ${s}`);
    }
  };

  // Monitors: RSS every 100 ms, /healthz every 250 ms (one at a time), for the whole run.
  await sleep(300);
  const baseline = rssMb(pid);
  let peak = baseline;
  let warm: number | undefined;
  const rssTimer = setInterval(() => {
    if (exited !== undefined) return;
    const now = rssMb(pid);
    peak = Math.max(peak, now);
    if (warm === undefined && sent >= TARGET_FRAMES * WARM_SHARE) warm = now;
  }, 100);
  const health = { ok: 0, failures: [] as string[], slowestMs: 0 };
  let healthBusy = false;
  const healthTimer = setInterval(() => {
    if (healthBusy) return;
    healthBusy = true;
    const t0 = Date.now();
    void healthz(gw.port).then((err) => {
      health.slowestMs = Math.max(health.slowestMs, Date.now() - t0);
      if (err) health.failures.push(err);
      else health.ok++;
      healthBusy = false;
    });
  }, HEALTH_EVERY_MS);

  const started = Date.now();
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < TARGET_FRAMES && exited === undefined && problems.length < 200) await runSocket(next++);
      }),
    );
  } finally {
    clearInterval(rssTimer);
    clearInterval(healthTimer);
  }
  const elapsedMs = Date.now() - started;

  // Memory comes back down once the load is gone (V8 returns heap lazily: give it a little time).
  let settled = rssMb(pid);
  const bar = (warm ?? peak) + RSS_SETTLE_MB;
  for (let i = 0; i < 40 && settled > bar; i++) {
    await sleep(500);
    settled = rssMb(pid);
  }
  const finalHealth = await healthz(gw.port);
  t.diagnostic(
    `${sent} frames on ${next} sockets in ${elapsedMs}ms; RSS start ${baseline.toFixed(0)}MB warm ${warm?.toFixed(0)}MB peak ${peak.toFixed(0)}MB after ${settled.toFixed(0)}MB; /healthz ${health.ok} ok, slowest ${health.slowestMs}ms; outcomes ${JSON.stringify(outcomes)}`,
  );
  try {
    assert.equal(exited, undefined, `the gateway died: ${exited}\n${gw.output().slice(-2000)}`);
    assert.deepEqual(problems.slice(0, 25), [], `${problems.length} frames without their precise outcome (seed ${SEED})`);
    assert.ok(sent >= TARGET_FRAMES, `sent ${sent} of ${TARGET_FRAMES} frames`);
    assert.equal(accounted, sent, 'every frame sent got its outcome checked');
    assert.deepEqual(health.failures, [], '/healthz answered throughout');
    assert.equal(finalHealth, undefined, '/healthz answers at the end');
    assert.ok(peak < RSS_PEAK_LIMIT_MB, `peak RSS ${peak.toFixed(0)}MB < ${RSS_PEAK_LIMIT_MB}MB`);
    assert.ok(settled <= bar, `RSS back near its warm baseline: ${settled.toFixed(0)}MB vs ${warm?.toFixed(0)}MB + ${RSS_SETTLE_MB}MB`);
    assert.equal(await gw.stop(), 0, 'a clean stop after the fuzz');
    // Nothing the fuzz sent made a handler or the handshake fail unexpectedly (those log at error level).
    const logs = join(gw.stateDir, 'logs');
    const errors = (existsSync(logs) ? readdirSync(logs) : []).flatMap((f) => readFileSync(join(logs, f), 'utf8').split('\n')).filter((l) => /"level":("error"|"fatal"|50|60)\b/.test(l));
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} error lines in the gateway log`);
  } finally {
    await cleanup([gw], []);
  }
});
