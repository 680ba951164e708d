// Scenario SL-PRINTED-SECRETS (../shared/scenarios.md, group H): a canary in every secret slot that exists
// today (gateway token in config, a wrong token in env and in --token, the cached device token, URL
// credentials), then every CLI command, status, doctor, the logs and a failing handshake: no canary, and
// no 8-character piece of one, appears in stdout, stderr, log files or HTTP responses. Provider API keys (in
// config and in the environment) have their own test below; the bot token slot is checked in telegram-pairing.test.ts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomToken, runCli, startGateway, type RunningGateway } from '../helpers/gateway-process.js';
import { cliDeviceId } from '../helpers/scenario-support.js';
import { makeDevice, rawConnect } from '../helpers/raw-client.js';

let gw: RunningGateway | undefined;
after(async () => {
  await gw?.stop();
});

function pieces(canary: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= canary.length; i++) out.push(canary.slice(i, i + 8));
  return out;
}

function assertClean(where: string, text: string, canaries: Record<string, string>): void {
  for (const [slot, canary] of Object.entries(canaries)) {
    const leaked = pieces(canary).find((p) => text.includes(p));
    assert.equal(leaked, undefined, `${where} contains a piece of the ${slot} canary`);
  }
}

test('SL-PRINTED-SECRETS: no secret reaches any output, log or HTTP response', { timeout: 120_000 }, async () => {
  const canaries = {
    gatewayToken: randomToken(),
    envToken: randomToken(),
    flagToken: randomToken(),
    deviceToken: randomToken(),
    urlPassword: randomToken(),
  };
  gw = await startGateway({ token: canaries.gatewayToken, env: { CLAWGATE_LOG_LEVEL: 'trace' } });
  const stateDir = gw.stateDir;
  const outputs: [string, string][] = [];
  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const res = await runCli(args, { stateDir, env });
    outputs.push([`clawgate ${args.join(' ')}`, res.stdout + res.stderr]);
    return res;
  };

  // Pair the CLI, then replace its cached device token with a canary (a stale cache the gateway refuses).
  assert.equal((await run(['health'])).code, 0);
  const cachePath = join(stateDir, 'identity', 'device-auth.json');
  const cache = JSON.parse(readFileSync(cachePath, 'utf8'));
  cache.tokens.operator.token = canaries.deviceToken;
  writeFileSync(cachePath, JSON.stringify(cache, null, 2), { mode: 0o600 });

  const commands: string[][] = [
    ['health'], ['health', '--json'], ['status'], ['status', '--json'], ['devices', 'list'], ['devices', 'list', '--json'],
    ['doctor'], ['doctor', '--json'], ['logs', '--limit', '1000'], ['logs', '--json', '--limit', '1000'],
    ['config', 'get'], ['config', 'get', 'gateway.auth.token'], ['gateway', 'status'], ['gateway', 'token', 'show'],
    ['devices', 'rotate', '--device', cliDeviceId(stateDir), '--role', 'operator'], ['health'],
    ['backup', 'create', '--out', join(stateDir, 'b.tar.gz')], ['backup', 'verify', join(stateDir, 'b.tar.gz')],
  ];
  for (const args of commands) await run(args);
  // Wrong tokens in every CLI slot: env, flag, and credentials in a URL.
  await run(['status'], { CLAWGATE_GATEWAY_TOKEN: canaries.envToken });
  await run(['doctor'], { CLAWGATE_GATEWAY_TOKEN: canaries.envToken });
  await run(['--token', canaries.flagToken, 'status', '--json']);
  await run(['--token', canaries.flagToken, 'devices', 'list']);
  await run(['--url', `ws://user:${canaries.urlPassword}@127.0.0.1:${gw.port}`, 'health']);
  await run(['--url', `ws://127.0.0.1:${gw.port}/?token=${canaries.urlPassword}`, 'health']);
  await run(['--url', `not a url ${canaries.urlPassword}`, 'health']);

  // Failing handshakes on the wire, with every kind of wrong secret; the error responses are checked too.
  for (const auth of [{ token: canaries.envToken }, { deviceToken: canaries.deviceToken }, { token: canaries.flagToken, deviceToken: canaries.deviceToken }]) {
    const res = await rawConnect(gw.url, { device: makeDevice(), auth, headers: { 'x-forwarded-for': '203.0.113.9' } });
    outputs.push([`handshake ${Object.keys(auth).join('+')}`, JSON.stringify(res.response) + JSON.stringify(await res.closed)]);
  }
  for (const path of ['/healthz', '/nope', `/?token=${canaries.urlPassword}`]) {
    const res = await fetch(`http://127.0.0.1:${gw.port}${path}`);
    outputs.push([`GET ${path.slice(0, 8)}`, await res.text()]);
  }

  await gw.stop();
  outputs.push(['gateway console', gw.output()]);
  const logsDir = join(stateDir, 'logs');
  for (const f of readdirSync(logsDir)) outputs.push([`logs/${f}`, readFileSync(join(logsDir, f), 'utf8')]);

  // The gateway token legitimately lives in clawgate.json (and its backup); everything else must be clean.
  for (const [where, text] of outputs) assertClean(where, text, canaries);
  assert.ok(outputs.length > 30);
});

test('SL-PRINTED-SECRETS (provider keys): a key in config and a key in the environment never reach output, logs or history, even when the provider echoes it', { timeout: 120_000 }, async () => {
  const { startFakeOpenAi } = await import('../helpers/fake-openai.js');
  const canaries = { configKey: `sk-cfg-${randomToken()}`, envKey: `sk-env-${randomToken()}` };
  // The stand-in rejects every key and quotes it back, as some providers do.
  const fake = await startFakeOpenAi(({ headers }) => ({
    status: 401,
    body: JSON.stringify({ error: { message: `Incorrect API key provided: ${String(headers.authorization ?? '').replace(/^Bearer /, '')}`, type: 'invalid_request_error', code: 'invalid_api_key' } }),
  }));
  const token = randomToken();
  let keyed: RunningGateway | undefined;
  try {
    keyed = await startGateway({
      token,
      env: { CLAWGATE_LOG_LEVEL: 'trace', PROVIDER_CANARY_KEY: canaries.envKey },
      config: {
        gateway: { auth: { mode: 'token', token } },
        models: {
          providers: {
            cfg: { api: 'openai-completions', baseUrl: fake.url, apiKey: canaries.configKey },
            envp: { api: 'openai-completions', baseUrl: fake.url, apiKey: { env: 'PROVIDER_CANARY_KEY' } },
          },
        },
        agents: { defaults: { model: 'cfg/fake-gpt' }, list: [{ id: 'main', default: true }, { id: 'other', model: 'envp/fake-gpt' }] },
      },
    });
    const stateDir = keyed.stateDir;
    const outputs: [string, string][] = [];
    const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const res = await runCli(args, { stateDir, env });
      outputs.push([`clawgate ${args.join(' ')}`, res.stdout + res.stderr]);
      return res;
    };
    assert.equal((await run(['agent', '-m', 'hi'])).code, 13);
    assert.equal((await run(['agent', '--agent', 'other', '-m', 'hi'])).code, 13);
    assert.equal((await run(['agent', '--agent', 'other', '-m', 'again', '--json'])).code, 13);
    for (const args of [
      ['models', 'status'], ['models', 'status', '--json'], ['models', 'list', '--json'], ['status'], ['status', '--json'],
      ['doctor'], ['doctor', '--json'], ['config', 'get'], ['config', 'get', 'models'], ['config', 'get', 'models.providers.cfg.apiKey'],
      ['logs', '--json', '--limit', '1000'], ['sessions', 'list', '--json'], ['sessions', 'history', 'agent:main:main', '--json'],
      ['sessions', 'history', 'agent:other:main'],
    ]) {
      await run(args);
    }
    // Doctor with the gateway down reads the store and the environment variable itself.
    await keyed.stop();
    await run(['doctor', '--json'], { PROVIDER_CANARY_KEY: canaries.envKey });
    await run(['models', 'status', '--json'], { PROVIDER_CANARY_KEY: canaries.envKey });
    outputs.push(['gateway console', keyed.output()]);
    const logsDir = join(stateDir, 'logs');
    for (const f of readdirSync(logsDir)) outputs.push([`logs/${f}`, readFileSync(join(logsDir, f), 'utf8')]);
    // The config key legitimately lives in clawgate.json; everything printed or logged must be clean.
    for (const [where, text] of outputs) assertClean(where, text, canaries);
    assert.ok(fake.requests.some((r) => String(r.headers.authorization).includes(canaries.envKey)), 'the env key was really sent');
  } finally {
    await keyed?.stop();
    await fake.close();
  }
});
