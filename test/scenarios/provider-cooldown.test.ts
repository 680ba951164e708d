// Scenario PE-MISCLASSIFIED-COOLDOWN (../shared/scenarios.md, group I): a 401 marks the provider's credential
// rejected (class auth, never billing) until the key changes, and a new key clears it at once; 402 and 429
// back off for a bounded time and recover on their own; `clawgate models reset` clears a mark; a restart
// neither extends nor forgets a window; a 400 never marks. Against a real gateway process and a real HTTP
// fake of the OpenAI API, with the real CLI; a blocked provider is not called at all (the fake counts).
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomToken, type CliResult } from '../helpers/gateway-process.js';
import { connectOperator, leakedPiece, startAgentGateway, type AgentGateway, type OperatorClient } from '../helpers/agent-gateway.js';
import type { Reply } from '../helpers/fake-model-server.js';
import { USER_REPLIES } from '../../src/agents/provider-errors.js';
import { BILLING_BACKOFF_BASE_MS, BILLING_BACKOFF_MAX_MS, RATE_LIMIT_BACKOFF_BASE_MS, RATE_LIMIT_BACKOFF_MAX_MS } from '../../src/agents/provider-health.js';

/** The fake's success text. */
const PONG = 'pong';
/** Retry-After (seconds) of the window the Retry-After test waits out: long enough for a CLI run inside it on a loaded machine. */
const SHORT_RETRY_AFTER_S = 5;
/** Longer than any restart takes, so the test never depends on how fast the machine is; reset ends it. */
const RESTART_RETRY_AFTER_S = 600;

let ag: AgentGateway;
let op: OperatorClient;
/** The key the fake answers 401 to (the configured canary), and the replies of the next calls. */
let rejectedKey: string | undefined;
const queue: Reply[] = [];
/** Every key the tests configured: none may ever be printed or logged. */
const keys: string[] = [];

before(async () => {
  ag = await startAgentGateway({
    script: ({ headers }) => {
      if (rejectedKey !== undefined && headers.authorization === `Bearer ${rejectedKey}`) {
        // OpenAI echoes the key it refused: the echo must be scrubbed everywhere.
        return { status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${rejectedKey}.`, type: 'invalid_request_error', code: 'invalid_api_key' } }) };
      }
      return queue.shift() ?? { text: PONG };
    },
  });
  keys.push(ag.apiKey);
  op = await connectOperator(ag.gw);
});
after(async () => {
  op?.close();
  await ag?.stop();
});
// Each test starts from a healthy provider, an accepted key and an empty reply queue, whatever the test
// before it left behind (a failure does not cascade).
beforeEach(async () => {
  queue.length = 0;
  rejectedKey = undefined;
  assert.equal((await ag.cli(['models', 'reset', 'fake'])).code, 0);
});

const calls = (): number => ag.fake.requests.length;

/** Send one message over the protocol; the run's terminal chat event and its lifecycle end. */
async function message(): Promise<{ runId: string; end: Record<string, any>; lifecycle: Record<string, any> }> {
  const runId = await op.send('hi');
  const end = await op.terminal(runId);
  const lifecycle = await op.lifecycleEnd(runId);
  return { runId, end, lifecycle };
}

/** The message fails with this catalogue code and class, and the end user sees only the fixed text. */
async function expectFailure(code: string, errorClass: keyof typeof USER_REPLIES): Promise<void> {
  const { end, lifecycle } = await message();
  assert.equal(end.state, 'error');
  assert.equal(end.errorMessage, USER_REPLIES[errorClass]);
  assert.equal(lifecycle.data.errorCode, code);
  assert.equal(lifecycle.data.errorClass, errorClass);
  assert.equal(lifecycle.data.providerId, 'fake');
}

async function expectSuccess(): Promise<void> {
  const { end } = await message();
  assert.equal(end.state, 'final', JSON.stringify(end));
  assert.equal(end.message.content[0].text, PONG);
}

/** Run the CLI and check that no configured key, nor a piece of one, is in its output. */
async function cli(args: string[]): Promise<CliResult> {
  const r = await ag.cli(args);
  for (const key of keys) assert.equal(leakedPiece(r.stdout + r.stderr, key), undefined, `clawgate ${args.join(' ')} printed a piece of a key`);
  return r;
}

/** `clawgate agent -m hi` fails with exit 13 and one line naming the provider, the class (in words) and the fix. */
async function cliAgentFails(classWords: RegExp, fix: RegExp): Promise<void> {
  const r = await cli(['agent', '-m', 'hi']);
  assert.equal(r.code, 13, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^error: provider "fake" /);
  assert.match(r.stderr, classWords);
  assert.match(r.stderr, fix);
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line, no stack');
}

async function reset(): Promise<void> {
  const r = await cli(['models', 'reset', 'fake']);
  assert.equal(r.code, 0, r.stderr);
}

/** The window of a cooldown mark: it started between `before` and `after` and lasts `windowMs`. */
function assertWindow(untilMs: number | undefined, before: number, after: number, windowMs: number): void {
  assert.ok(untilMs !== undefined, 'a cooldown has an end');
  assert.ok(untilMs >= before + windowMs && untilMs <= after + windowMs, `untilMs ${untilMs} is ${windowMs} ms after the failure (${before}..${after})`);
}

const sleepUntil = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now()) + 50));

describe('PE-MISCLASSIFIED-COOLDOWN', () => {
  test('PE-MISCLASSIFIED-COOLDOWN: a 401 marks the credential rejected (auth, not billing) until the key changes; a restart keeps the mark; a new key clears it at once', async () => {
    rejectedKey = ag.apiKey;
    const before = calls();
    await expectFailure('PROVIDER_AUTH', 'auth');
    assert.equal(calls(), before + 1);
    assert.equal(ag.fake.requests.at(-1)!.headers.authorization, `Bearer ${ag.apiKey}`);

    const marked = await ag.providerStatus();
    assert.equal(marked.state, 'credential-rejected');
    assert.equal(marked.errorClass, 'auth');
    assert.equal(marked.untilMs, undefined, 'a rejected key has no end time: waiting does not fix it');
    assert.match(marked.detail!, /^HTTP 401 invalid_request_error \(invalid_api_key\): Incorrect API key provided: /);
    assert.equal(leakedPiece(marked.detail!, ag.apiKey), undefined, 'the echoed key is scrubbed from the detail');
    assert.match(marked.fix!, /clawgate config set models\.providers\.fake\.apiKey <key>/);

    // Further messages fail at once, without calling the provider with the rejected key again.
    await expectFailure('PROVIDER_AUTH', 'auth');
    await cliAgentFails(/rejected its credential \(key sha256:[0-9a-f]{12} from config\)/, /clawgate config set models\.providers\.fake\.apiKey <key>, or run: clawgate models reset fake$/m);
    assert.equal(calls(), before + 1, 'a rejected credential is not sent again');

    // `clawgate status` names the cause too: a finding with the fix, and the last failed run.
    const status = await cli(['status', '--json']);
    const doc = JSON.parse(status.stdout) as { gateway: { agents: { providers: { id: string; state: string }[]; lastFailure?: { code: string; providerId?: string } } }; findings: { id: string; fix: string }[] };
    assert.deepEqual(doc.gateway.agents.providers.map((p) => [p.id, p.state]), [['fake', 'credential-rejected']]);
    assert.equal(doc.gateway.agents.lastFailure?.code, 'PROVIDER_AUTH');
    assert.equal(doc.gateway.agents.lastFailure?.providerId, 'fake');
    assert.match(doc.findings.find((f) => f.id === 'provider-credential-rejected')!.fix, /models\.providers\.fake\.apiKey/);
    assert.equal(leakedPiece(status.stdout, ag.apiKey), undefined);

    // A restart does not forget the mark.
    await ag.restart();
    op.close();
    op = await connectOperator(ag.gw);
    assert.equal((await ag.providerStatus()).state, 'credential-rejected');
    await expectFailure('PROVIDER_AUTH', 'auth');
    assert.equal(calls(), before + 1);

    // The owner sets a new key: the running gateway reads it on the next run, and the mark is gone at once.
    const newKey = `k${randomToken()}`;
    keys.push(newKey);
    const set = await cli(['config', 'set', 'models.providers.fake.apiKey', newKey]);
    assert.equal(set.code, 0, set.stderr);
    const lifted = await ag.providerStatus();
    assert.equal(lifted.state, 'ok');
    assert.notEqual(lifted.keyFingerprint, marked.keyFingerprint);
    await expectSuccess();
    assert.equal(calls(), before + 2);
    assert.equal(ag.fake.requests.at(-1)!.headers.authorization, `Bearer ${newKey}`);
  });

  test('PE-MISCLASSIFIED-COOLDOWN: a 402 is billing (not auth): a bounded back-off that blocks calls; models reset clears it', async () => {
    queue.push({ status: 402, body: JSON.stringify({ error: { message: 'You exceeded your current quota.', type: 'insufficient_quota' } }) });
    const before = calls();
    const t0 = Date.now();
    await expectFailure('PROVIDER_BILLING', 'billing');
    const t1 = Date.now();
    const marked = await ag.providerStatus();
    assert.equal(marked.state, 'cooldown');
    assert.equal(marked.errorClass, 'billing');
    assertWindow(marked.untilMs, t0, t1, BILLING_BACKOFF_BASE_MS);
    assert.ok(marked.untilMs! - t0 <= BILLING_BACKOFF_MAX_MS, 'bounded');

    await expectFailure('PROVIDER_BILLING', 'billing');
    await cliAgentFails(/is cooling down after a billing or quota refusal until \d{4}-\d\d-\d\dT[\d:.]+Z \(in \d+ min\)/, /clawgate models reset fake/);
    assert.equal(calls(), before + 1, 'no call while the window is open');

    const r = await cli(['models', 'reset', 'fake']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'reset: fake (calls are allowed again)');
    assert.equal((await ag.providerStatus()).state, 'ok');
    await expectSuccess();
    assert.equal(calls(), before + 2);
  });

  test('PE-MISCLASSIFIED-COOLDOWN: a 429 with Retry-After backs off for that long and recovers by itself', async () => {
    queue.push({ status: 429, headers: { 'retry-after': String(SHORT_RETRY_AFTER_S) } });
    const before = calls();
    const t0 = Date.now();
    await expectFailure('PROVIDER_RATE_LIMITED', 'rate_limit');
    const t1 = Date.now();
    const marked = await ag.providerStatus();
    assert.equal(marked.state, 'cooldown');
    assert.equal(marked.errorClass, 'rate_limit');
    assertWindow(marked.untilMs, t0, t1, SHORT_RETRY_AFTER_S * 1000);

    await cliAgentFails(/is cooling down after a rate limit until .* \(in \d s\)/, /wait for the pause to end or run: clawgate models reset fake/);
    assert.equal(calls(), before + 1);

    await sleepUntil(marked.untilMs!);
    await expectSuccess();
    assert.equal(calls(), before + 2, 'the window ended by itself, without a reset');
    assert.equal((await ag.providerStatus()).state, 'ok');
  });

  test('PE-MISCLASSIFIED-COOLDOWN: a 429 without Retry-After backs off for the bounded base window; models reset clears it', async () => {
    queue.push({ status: 429, body: JSON.stringify({ error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }) });
    const before = calls();
    const t0 = Date.now();
    await expectFailure('PROVIDER_RATE_LIMITED', 'rate_limit');
    const t1 = Date.now();
    const marked = await ag.providerStatus();
    assert.equal(marked.errorClass, 'rate_limit', 'a rate limit is not billing');
    assertWindow(marked.untilMs, t0, t1, RATE_LIMIT_BACKOFF_BASE_MS);
    assert.ok(marked.untilMs! - t0 <= RATE_LIMIT_BACKOFF_MAX_MS, 'bounded');
    await expectFailure('PROVIDER_RATE_LIMITED', 'rate_limit');
    assert.equal(calls(), before + 1);
    await reset();
    await expectSuccess();
    assert.equal(calls(), before + 2);
  });

  test('PE-MISCLASSIFIED-COOLDOWN: a restart during a window neither extends nor forgets it', async () => {
    queue.push({ status: 429, headers: { 'retry-after': String(RESTART_RETRY_AFTER_S) } });
    const before = calls();
    const t0 = Date.now();
    await expectFailure('PROVIDER_RATE_LIMITED', 'rate_limit');
    const t1 = Date.now();
    const marked = await ag.providerStatus();
    assert.equal(marked.state, 'cooldown');
    assertWindow(marked.untilMs, t0, t1, RESTART_RETRY_AFTER_S * 1000);

    await ag.restart();
    op.close();
    op = await connectOperator(ag.gw);
    const after = await ag.providerStatus();
    assert.equal(after.state, 'cooldown');
    assert.equal(after.untilMs, marked.untilMs, 'the same end time after the restart');
    assert.equal(after.failures, marked.failures);
    await expectFailure('PROVIDER_RATE_LIMITED', 'rate_limit');
    assert.equal(calls(), before + 1, 'still in force after the restart');

    // The window ending by itself is the Retry-After test's; here the owner ends it.
    await reset();
    await expectSuccess();
    assert.equal(calls(), before + 2);
  });

  test('PE-MISCLASSIFIED-COOLDOWN: a 400 fails its run (exit 13) but never marks the provider', async () => {
    const bad: Reply = { status: 400, body: JSON.stringify({ error: { message: "The model 'fake-gpt' does not support this option.", type: 'invalid_request_error', param: 'tools' } }) };
    queue.push(bad);
    const before = calls();
    await cliAgentFails(/refused the request \(HTTP 400\)/, /check the model name and its options in models\.providers\.fake/);
    assert.equal((await ag.providerStatus()).state, 'ok');
    queue.push(bad);
    await expectFailure('PROVIDER_BAD_REQUEST', 'bad_request');
    const status = await ag.providerStatus();
    assert.equal(status.state, 'ok');
    assert.equal(status.errorClass, undefined);
    await expectSuccess();
    assert.equal(calls(), before + 3, 'every message reached the provider');

    const ok = await cli(['agent', '-m', 'hi']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), PONG);
  });

  test('PE-MISCLASSIFIED-COOLDOWN: no configured key, nor a piece of one, is in the gateway log', async () => {
    const r = await cli(['logs', '--json', '--limit', '1000']);
    assert.equal(r.code, 0, r.stderr);
    const failures = r.stdout.split('\n').filter((l) => l.includes('"run failed')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      [...new Set(failures.map((f) => f['errorClass']))].sort(),
      ['auth', 'bad_request', 'billing', 'rate_limit'],
      'every failure is logged with its class',
    );
    const dir = join(ag.stateDir, 'logs');
    const files = readdirSync(dir);
    assert.ok(files.length > 0, 'the gateway writes log files');
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const key of keys) assert.equal(leakedPiece(text, key), undefined, `${f} contains a piece of a key`);
    }
  });
});
