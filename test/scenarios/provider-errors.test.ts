// Scenario PE-RAW-OR-SILENT (../shared/scenarios.md, group I): a provider answering 401 (OpenAI JSON,
// Anthropic JSON, plain text, empty body), 402, 429, 500/529 or garbage. Each chat message gets exactly one
// terminal chat event, `error`, whose text is one of the fixed end-user replies: no provider body, key piece,
// URL or stack. The owner gets the precise cause: the agent lifecycle event and agent.wait (code, class),
// the gateway log, `clawgate models status` for the classes that mark the provider, and `clawgate agent`
// (exit 13, provider, class and fix on stderr). Real gateway processes, real HTTP fakes of both APIs.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectOperator, leakedPiece, startAgentGateway, type AgentGateway, type OperatorClient } from '../helpers/agent-gateway.js';
import type { Reply } from '../helpers/fake-model-server.js';
import { CLASS_WORDS, PROVIDER_CODES, USER_REPLIES } from '../../src/agents/provider-errors.js';
import type { ProviderErrorClass } from '../../src/agents/types.js';

type Api = 'openai-completions' | 'anthropic-messages';

interface Case {
  readonly name: string;
  /** The fake's answer; `marker` is unique text of the provider's body that no end user may see. */
  readonly reply: (marker: string, key: string) => Reply;
  readonly errorClass: ProviderErrorClass;
  readonly status?: number;
  /** Markers the fixed garbage body carries instead of ours. */
  readonly fixedMarker?: string;
}

/** A provider body with everything an end user must never see: our marker, a URL and a stack frame. */
const noisy = (marker: string): string => `${marker} see https://provider.example/errors/${marker}\n    at handler (/srv/api/app.js:12:7)`;

const OPENAI_CASES: readonly Case[] = [
  {
    name: '401 with an OpenAI JSON body echoing the key',
    reply: (m, key) => ({ status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${key}. ${noisy(m)}`, type: 'invalid_request_error', code: 'invalid_api_key' } }) }),
    errorClass: 'auth',
    status: 401,
  },
  { name: '401 with a plain-text body', reply: (m) => ({ status: 401, body: `Unauthorized: ${noisy(m)}` }), errorClass: 'auth', status: 401 },
  { name: '401 with an empty body', reply: () => ({ status: 401, body: '' }), errorClass: 'auth', status: 401 },
  {
    name: '402 payment required',
    reply: (m) => ({ status: 402, body: JSON.stringify({ error: { message: `Your credit balance is too low. ${noisy(m)}`, type: 'insufficient_quota' } }) }),
    errorClass: 'billing',
    status: 402,
  },
  {
    name: '429 rate limited',
    reply: (m) => ({ status: 429, body: JSON.stringify({ error: { message: `Rate limit reached. ${noisy(m)}`, type: 'requests', code: 'rate_limit_exceeded' } }), headers: { 'retry-after': '20' } }),
    errorClass: 'rate_limit',
    status: 429,
  },
  { name: '500 with an HTML error page', reply: (m) => ({ status: 500, body: `<html><body><h1>Internal Server Error</h1><pre>${noisy(m)}</pre></body></html>` }), errorClass: 'overloaded', status: 500 },
  { name: '200 with a body that is not the API', reply: () => ({ garbage: true }), errorClass: 'invalid_response', fixedMarker: 'not an API' },
];

const ANTHROPIC_CASES: readonly Case[] = [
  {
    name: '401 with an Anthropic JSON body',
    reply: (m) => ({ status: 401, body: JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${noisy(m)}` } }) }),
    errorClass: 'auth',
    status: 401,
  },
  {
    name: '529 overloaded',
    reply: (m) => ({ status: 529, body: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: `Overloaded ${noisy(m)}` } }) }),
    errorClass: 'overloaded',
    status: 529,
  },
  { name: '200 with a body that is not the API', reply: () => ({ garbage: true }), errorClass: 'invalid_response', fixedMarker: 'not an API' },
];

/** Classes that mark the provider in `models status` (the others fail only their own run). */
const MARKED_STATE: Partial<Record<ProviderErrorClass, string>> = { auth: 'credential-rejected', billing: 'cooldown', rate_limit: 'cooldown', overloaded: 'cooldown' };

function markerFor(api: Api, i: number): string {
  return `MARK${api === 'anthropic-messages' ? 'A' : 'O'}${i}x${process.pid}`;
}

/** The checks every end-user text must pass: fixed, and nothing of the provider, the key, a URL or a stack. */
function assertSanitized(text: string, c: Case, marker: string, key: string): void {
  assert.ok(Object.values(USER_REPLIES).includes(text), `"${text}" is one of the fixed replies`);
  assert.equal(text, USER_REPLIES[c.errorClass]);
  assert.ok(!text.includes(marker) && !(c.fixedMarker && text.includes(c.fixedMarker)), 'no provider body text');
  assert.equal(leakedPiece(text, key), undefined, 'no key piece');
  assert.doesNotMatch(text, /https?:|:\/\//i, 'no URL');
  assert.doesNotMatch(text, /\bat \S+ \(|:\d+:\d+|\n/, 'no stack');
}

function suite(api: Api, cases: readonly Case[]): void {
  describe(`PE-RAW-OR-SILENT over ${api}`, () => {
    let ag: AgentGateway;
    let op: OperatorClient;
    let current: Reply = { text: 'unused' };
    const failedRuns: { runId: string; c: Case; ownerMarker: string | undefined }[] = [];

    before(async () => {
      ag = await startAgentGateway({ api, script: () => current });
      op = await connectOperator(ag.gw);
    });
    after(async () => {
      op?.close();
      await ag?.stop();
    });
    // Each case starts from a healthy provider, whatever the case before left behind.
    beforeEach(async () => {
      assert.equal((await ag.cli(['models', 'reset', 'fake'])).code, 0);
    });

    cases.forEach((c, i) => {
      test(`PE-RAW-OR-SILENT: ${api}, ${c.name}: one sanitized error reply; the owner sees ${c.errorClass}`, async () => {
        const marker = markerFor(api, i);
        current = c.reply(marker, ag.apiKey);
        // When the body has a message, the owner's detail quotes it (scrubbed, cut); the end user never sees it.
        const ownerMarker = current.body?.includes(marker) ? marker : undefined;
        const code = PROVIDER_CODES[c.errorClass];
        const calls = ag.fake.requests.length;

        // The protocol side: exactly one terminal chat event, an error with a fixed text.
        const runId = await op.send(`hello ${i}`);
        const end = await op.terminal(runId);
        const lifecycle = await op.lifecycleEnd(runId);
        const wait = await op.rpc('agent.wait', { runId, timeoutMs: 5_000 });
        assert.equal(ag.fake.requests.length, calls + 1, 'the provider was called once');
        assert.deepEqual(op.events('chat', runId).map((e) => e.state), ['error'], 'exactly one chat event: the error, no final');
        assertSanitized(end.errorMessage, c, marker, ag.apiKey);
        failedRuns.push({ runId, c, ownerMarker });

        // The owner's precise cause: lifecycle event and agent.wait.
        assert.equal(lifecycle.data.phase, 'error');
        assert.equal(lifecycle.data.errorCode, code);
        assert.equal(lifecycle.data.errorClass, c.errorClass);
        assert.equal(lifecycle.data.providerId, 'fake');
        assert.equal(wait.ok, true, JSON.stringify(wait.error));
        assert.equal(wait.payload.status, 'error');
        assert.equal(wait.payload.errorCode, code);
        assert.equal(wait.payload.errorClass, c.errorClass);
        const precise = `provider "fake" ${CLASS_WORDS[c.errorClass]}${c.status ? ` (HTTP ${c.status})` : ''}: `;
        assert.ok(wait.payload.error.startsWith(precise), `agent.wait: "${wait.payload.error}" starts with "${precise}"`);
        assert.equal(lifecycle.data.error, wait.payload.error);
        assert.equal(leakedPiece(wait.payload.error, ag.apiKey), undefined, 'no key piece for the owner either');

        // models status: the cause for the classes that mark; ok for the others.
        const status = await ag.providerStatus();
        const marked = MARKED_STATE[c.errorClass];
        assert.equal(status.state, marked ?? 'ok');
        if (marked) {
          assert.equal(status.errorClass, c.errorClass);
          assert.ok(status.detail!.startsWith(`HTTP ${c.status}`), status.detail);
          if (ownerMarker) assert.ok(status.detail!.includes(ownerMarker), `the provider's message is in the detail: ${status.detail}`);
          assert.match(status.fix!, /clawgate (models reset|config set) /);
          assert.equal(leakedPiece(JSON.stringify(status), ag.apiKey), undefined);
          assert.equal((await ag.cli(['models', 'reset', 'fake'])).code, 0);
        }

        // The CLI: the classified error on stderr, exit 13, nothing raw.
        const r = await ag.cli(['agent', '-m', `again ${i}`]);
        assert.equal(r.code, 13, r.stderr);
        assert.equal(r.stdout, '');
        const line = r.stderr.trim();
        assert.equal(line.split('\n').length, 1, 'one line');
        assert.ok(line.startsWith(`error: ${precise}`), line);
        assert.match(line, /; (set a new key|add credit|wait for the pause|the provider failed on its side|check that models\.providers\.fake\.baseUrl)/, 'names the fix');
        assert.equal(leakedPiece(line, ag.apiKey), undefined, 'no key piece');
        // The provider's own words may be quoted (scrubbed, one line); its raw body and our stack may not.
        assert.doesNotMatch(line, /[{}]|<\/?(html|body|h1|pre)\b/i, 'no raw JSON or markup');
        assert.ok(!line.includes('node:internal') && !line.includes(process.cwd()), 'no stack of ours');
        assert.ok(!line.includes(USER_REPLIES[c.errorClass]), 'the owner gets the precise error, not the end-user text');
      });
    });

    test(`PE-RAW-OR-SILENT: ${api}: the gateway log has each failure with its class and code, and no key`, async () => {
      const r = await ag.cli(['logs', '--json', '--limit', '1000']);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(failedRuns.length, cases.length);
      for (const { runId, c, ownerMarker } of failedRuns) {
        const failed = lines.filter((l) => l['runId'] === runId && String(l['msg']).startsWith('run failed: '));
        assert.equal(failed.length, 1, `one "run failed" line for ${c.name}`);
        assert.equal(failed[0]!['level'], 'warn');
        assert.equal(failed[0]!['errorClass'], c.errorClass);
        assert.equal(failed[0]!['code'], PROVIDER_CODES[c.errorClass]);
        assert.equal(failed[0]!['providerId'], 'fake');
        assert.equal(typeof failed[0]!['detail'], 'string', 'the precise cause');
        if (ownerMarker) assert.ok(String(failed[0]!['detail']).includes(ownerMarker), `the provider's message is logged: ${String(failed[0]!['detail'])}`);
      }
      const dir = join(ag.stateDir, 'logs');
      const files = readdirSync(dir);
      assert.ok(files.length > 0);
      for (const f of files) assert.equal(leakedPiece(readFileSync(join(dir, f), 'utf8'), ag.apiKey), undefined, `${f} has no key piece`);
    });
  });
}

suite('openai-completions', OPENAI_CASES);
suite('anthropic-messages', ANTHROPIC_CASES);
