import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../../test/helpers/gateway-process.js';
import { cli, tempStateDir } from '../../../test/helpers/cli-io.js';
import { EXIT_CODES } from '../main.js';
import { agentTimeoutArg, parseTimeoutSeconds, runError, sessionKeyFor } from './agent.js';

const end = (state: 'error' | 'aborted', errorMessage?: string) => ({ state, sessionKey: 'agent:main:main', text: '', ...(errorMessage ? { errorMessage } : {}) });

test('--timeout after `agent` is the run timeout in seconds; before it, the global RPC timeout', () => {
  assert.equal(agentTimeoutArg(['agent', '-m', 'hi', '--timeout', '30']), '30');
  assert.equal(agentTimeoutArg(['--timeout', '5000', 'agent', '-m', 'hi']), undefined);
  assert.equal(agentTimeoutArg(['--profile', 'x', 'agent', '--timeout=12', '-m', 'hi']), '12');
  assert.equal(agentTimeoutArg(['agent', '-m', 'hi', '--', '--timeout', '3']), undefined);
  assert.equal(parseTimeoutSeconds('30'), 30);
  for (const bad of ['0', '-1', '1.5', 'ten', '86401']) assert.throws(() => parseTimeoutSeconds(bad), { code: 'USAGE' });
});

test('the session is --session, else the main session of --agent, else the default agent main session', () => {
  assert.equal(sessionKeyFor({}), 'main');
  assert.equal(sessionKeyFor({ agent: 'ops' }), 'agent:ops:main');
  assert.equal(sessionKeyFor({ session: 'agent:ops:work' }), 'agent:ops:work');
  assert.equal(sessionKeyFor({ agent: 'ops', session: 'agent:ops:work' }), 'agent:ops:work');
  assert.throws(() => sessionKeyFor({ agent: 'main', session: 'agent:ops:work' }), { code: 'USAGE' });
});

test("a failed run ends with its catalogue code: provider errors exit 13, a timeout 9, an abort 130", () => {
  const auth = runError('r1', end('error', 'The model provider refused the credentials.'), {
    runId: 'r1',
    status: 'error',
    error: 'provider "openai" rejected its credential (key sha256:abc from env OPENAI_API_KEY): put a valid key in OPENAI_API_KEY',
    errorCode: 'PROVIDER_AUTH',
    errorClass: 'auth',
  });
  assert.equal(auth.code, 'PROVIDER_AUTH');
  assert.match(auth.message, /provider "openai" rejected its credential/, 'the owner sees the classified message, not the end-user text');
  assert.equal(auth.details['errorClass'], 'auth');
  assert.equal(EXIT_CODES[auth.kind], 13);

  const timeout = runError('r2', end('error'), { runId: 'r2', status: 'timeout', error: 'the run took longer than 5 s', errorCode: 'RUN_TIMEOUT' });
  assert.equal(EXIT_CODES[timeout.kind], 9);
  const timeoutWithoutCode = runError('r2', end('error'), { runId: 'r2', status: 'timeout' });
  assert.equal(timeoutWithoutCode.code, 'RUN_TIMEOUT');

  const aborted = runError('r3', end('aborted'), undefined);
  assert.equal(aborted.code, 'RUN_ABORTED');
  assert.equal(EXIT_CODES[aborted.kind], 130);

  const unknown = runError('r4', end('error', 'Something went wrong.'), { runId: 'r4', status: 'error', error: 'boom', errorCode: 'NOT_A_CODE' });
  assert.equal(unknown.code, 'INTERNAL');
  assert.match(unknown.message, /r4/);
});

test('clawgate agent with the gateway not running names the command that starts it (exit 3)', async (t) => {
  const dir = tempStateDir(t);
  writeFileSync(join(dir, 'clawgate.json'), JSON.stringify({ gateway: { port: await freePort() } }));
  const r = await cli(dir, 'agent', '-m', 'hello', '--timeout', '30');
  assert.equal(r.code, 3, r.err);
  assert.match(r.err, /^error: the gateway is not running \(nothing answers on 127\.0\.0\.1:\d+\); start it with: clawgate gateway start$/);
  assert.equal(r.out, '');
});

test('clawgate agent refuses a bad --timeout or an empty message before connecting (exit 2)', async (t) => {
  const dir = tempStateDir(t);
  const bad = await cli(dir, 'agent', '-m', 'hello', '--timeout', '0');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--timeout takes seconds between 1 and 86400, not "0"/);
  const empty = await cli(dir, 'agent', '-m', '  ');
  assert.equal(empty.code, 2);
  assert.match(empty.err, /-m\/--message takes a non-empty message/);
  const missing = await cli(dir, 'agent');
  assert.equal(missing.code, 2, 'commander refuses a missing -m');
});
