// `clawgate tui` as a person uses it: the real TUI in a tmux pane (keys in, screen out) against a real
// gateway process and the stand-in model. Each test starts its own TUI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startAgentGateway, type AgentGateway } from '../helpers/agent-gateway.js';
import { lastUserText, type Script } from '../helpers/fake-model-server.js';
import { freePort, makeStateDir, randomToken, runCli, startGateway } from '../helpers/gateway-process.js';
import { makeDevice, rawConnect } from '../helpers/raw-client.js';
import { deviceRow } from '../helpers/scenario-support.js';
import { startTui, type TuiPane } from '../helpers/tui-pane.js';

const script: Script = ({ body }) => {
  const last = body.messages.at(-1);
  const text = lastUserText(body);
  if (last.role === 'tool') {
    const output = /"output":"([^"]*)"/.exec(String(last.content))?.[1];
    return { text: output !== undefined ? `tool output: ${output.replace(/\\n/g, '')}` : 'the tool failed' };
  }
  if (text === 'count the files') return { text: 'There are 42 files.', chunks: 3 };
  if (text.startsWith('[sub-agent report]')) return { text: `Report in: ${text.split('\n').at(-1)}`, chunks: 2 };
  if (text === 'spawn a helper') return { toolCalls: [{ id: 'sp1', name: 'sessions_spawn', arguments: { task: 'count the files', label: 'counter' } }] };
  const run = /^run (\w+)$/.exec(text);
  if (run) return { toolCalls: [{ name: 'exec', arguments: { command: `echo ran-${run[1]}` } }] };
  if (text === 'slowly') return { text: 'one two three four five six seven eight nine ten', chunks: 10, chunkDelayMs: 300 };
  if (text === 'markdown') return { text: '# Plan\n\n- **first** step\n- second step\n\n`code` here' };
  return { text: `echo: ${text}`, chunks: 3 };
};

let ag: AgentGateway;
const open: TuiPane[] = [];
async function tui(args: string[] = [], opts: { env?: NodeJS.ProcessEnv; cols?: number; rows?: number; stateDir?: string } = {}): Promise<TuiPane> {
  const t = await startTui({ stateDir: opts.stateDir ?? ag.stateDir, args, ...opts });
  open.push(t);
  return t;
}

before(async () => {
  ag = await startAgentGateway({
    script,
    config: { agents: { defaults: { model: 'fake/fake-gpt' }, list: [{ id: 'main', default: true }, { id: 'helper', model: 'fake/fake-big' }] } },
  });
});
after(async () => {
  for (const t of open) t.close();
  await ag.stop();
});

describe('clawgate tui', () => {
  test('shows gateway, agent, session and connection; streams a reply as it grows; the footer counts tokens', async () => {
    const t = await tui(['--session', 'agent:main:stream']);
    await t.see(/clawgate │ 127\.0\.0\.1:\d+ │ agent main │ session agent:main:stream │ +● connected/);
    await t.see('tokens 0 in / 0 out');
    await t.enter('slowly');
    const mid = await t.see(/one two/);
    assert.match(mid, /running… \(Esc aborts\)/);
    assert.doesNotMatch(mid, /nine ten/, 'the reply was shown before it was complete');
    const done = await t.see('one two three four five six seven eight nine ten');
    assert.match(await t.see(/tokens [1-9]\d* in \/ [1-9]\d* out/), /fake\/fake-gpt/);
    assert.equal(done.match(/› slowly/g)?.length, 1);
    await t.see(/^ ready/m);
  });

  test('renders markdown, and a sub-agent report comes back into the session with the agent continuing', async () => {
    const t = await tui(['--session', 'agent:main:report']);
    await t.see('● connected');
    await t.enter('markdown');
    const md = await t.see('first step');
    assert.doesNotMatch(md, /\*\*first\*\*/, 'markdown is rendered, not shown raw');
    await t.enter('spawn a helper');
    await t.see(/▸ sessions_spawn \{"task":"count the files","label":"counter"\}\s+✓/);
    await t.see('Report in: There are 42 files.');
    // The report is fetched from the transcript when its run begins, so it may land a moment after the reply starts.
    const screen = await t.see(/↩ \[sub-agent report\] "counter" \(agent:main:subagent:/);
    assert.match(screen, /status: ok/);
    assert.ok(screen.indexOf('↩ [sub-agent report]') < screen.indexOf('Report in: There are 42 files.'), 'the report stands before the reply to it');
    await t.pane.press('C-o');
    const expanded = await t.see('"task": "count the files"');
    assert.match(expanded, /▾ sessions_spawn/);
  });

  test('Esc aborts the running reply', async () => {
    const t = await tui(['--session', 'agent:main:abort']);
    await t.see('● connected');
    await t.enter('slowly');
    await t.see('one two');
    await t.pane.press('Escape');
    const screen = await t.see('the run was aborted');
    assert.doesNotMatch(screen, /nine ten/);
    await t.see(/^ ready/m);
  });

  test('/new starts an empty session; /session picks the old one back with its history', async () => {
    const t = await tui(['--session', 'agent:main:first']);
    await t.see('● connected');
    await t.enter('remember me');
    await t.see('echo: remember me');
    await t.enter('/new');
    const fresh = await t.see(/session agent:main:tui-\d{4}-\d{2}-\d{2}-[0-9a-f]{6}/);
    assert.doesNotMatch(fresh, /remember me/);
    await t.enter('/model fake/fake-big');
    await t.see('this session has no messages yet, so it has no model to change: send a message first');
    await t.enter('/reset');
    await t.see('nothing to reset: this session has no messages yet');
    await t.enter('/session');
    await t.see('Switch session');
    await t.pane.type('first');
    await t.see(/→ agent:main:first/);
    await t.pane.press('Enter');
    await t.see('session agent:main:first │');
    const back = await t.see('echo: remember me');
    assert.match(back, /› remember me\n\s*\necho: remember me/);
  });

  test('/model switches the session to another model and the next request uses it', async () => {
    const t = await tui(['--session', 'agent:main:models']);
    await t.see('● connected');
    await t.enter('before');
    await t.see('echo: before');
    await t.enter('/model');
    await t.see('Model for this session');
    await t.pane.type('big');
    await t.see(/→ fake\/fake-big/);
    await t.pane.press('Enter');
    await t.see('this session now uses fake/fake-big');
    await t.see(/· fake\/fake-big · tokens/);
    const calls = ag.fake.requests.length;
    await t.enter('after');
    await t.see('echo: after');
    assert.equal(ag.fake.requests.at(-1)?.body.model, 'fake-big');
    assert.ok(ag.fake.requests.length > calls);
  });

  test('an exec approval appears inline; y allows it once and the command runs', async () => {
    const t = await tui(['--session', 'agent:main:approve']);
    await t.see('● connected');
    await t.enter('run alpha');
    const card = await t.see(/⚠ agent main wants to run a command \(approval [0-9a-f]{8}\):/);
    assert.match(card, /echo ran-alpha/);
    assert.match(card, /\[y\] allow once {2}\[a\] allow always {2}\[n\] deny/);
    assert.match(card, /waiting for approval \(1\)/);
    await t.pane.press('y');
    const done = await t.see(/✓ allowed once by you: echo ran-alpha/);
    await t.see('tool output: ran-alpha');
    assert.doesNotMatch(done, /\n› y\b/, 'the key answered the card, it was not sent as a message');
  });

  test('n denies an approval and the agent is told', async () => {
    const t = await tui(['--session', 'agent:main:deny']);
    await t.see('● connected');
    await t.enter('run bravo');
    await t.see('echo ran-bravo');
    await t.pane.press('n');
    await t.see(/✗ denied by you: echo ran-bravo/);
    await t.see(/▸ exec .*✗ failed/);
  });

  test('a device asking to pair shows as a notice and /devices approves it', async () => {
    const t = await tui(['--session', 'agent:main:devices']);
    await t.see('● connected');
    const device = makeDevice();
    const knock = await rawConnect(ag.gw.url, { device, clientId: 'phone-app', platform: 'android' });
    assert.equal(knock.response?.error?.details?.code, 'PAIRING_REQUIRED');
    knock.ws.close();
    await t.see(/a device asks to pair: .*\(android\)/);
    await t.see('1 device waiting to pair: /devices');
    await t.enter('/devices');
    await t.see('Approve a device');
    await t.pane.press('Enter');
    await t.see(/approved .*: it is paired now/);
    await t.gone('waiting to pair');
    assert.ok(deviceRow(ag.stateDir, device.deviceId), 'the device is paired in the store');
  });

  test('a gateway restart mid-reply: the TUI says it is reconnecting, comes back, and shows the history once', async () => {
    const t = await tui(['--session', 'agent:main:restart']);
    await t.see('● connected');
    await t.enter('hello before');
    await t.see('echo: hello before');
    await t.enter('slowly');
    await t.see('one two');
    const restarting = ag.restart({ samePort: true });
    await t.see(/connection lost \(\d+[^)]*\); reconnecting/);
    await restarting;
    await t.see('reconnected; the transcript was reloaded');
    const screen = await t.see('● connected');
    assert.equal(screen.match(/› hello before/g)?.length, 1);
    assert.equal(screen.match(/echo: hello before/g)?.length, 1);
    await t.enter('after restart');
    const later = await t.see('echo: after restart');
    assert.equal(later.match(/echo: hello before/g)?.length, 1);
  });

  test('started before the gateway, it says the gateway is not running, counts down, and connects when it comes up', async () => {
    const port = await freePort();
    const token = randomToken();
    const config = { gateway: { port, auth: { mode: 'token', token } } };
    const stateDir = makeStateDir(config);
    const t = await tui([], { stateDir });
    const down = await t.see(/reconnecting in \d+ s: the gateway is not running/);
    assert.match(down.replace(/\n\s*/g, ' '), new RegExp(`the gateway is not running \\(nothing answers on 127\\.0\\.0\\.1:${port}\\); start it with: clawgate gateway start`));
    const gw = await startGateway({ stateDir, config, token, port });
    try {
      await t.see('● connected', 40_000);
    } finally {
      await gw.stop();
    }
  });

  test('a wrong gateway token stops with its cause and the fix, without retrying', async () => {
    const t = await tui([], { env: { CLAWGATE_GATEWAY_TOKEN: randomToken() } });
    const screen = await t.see(/✗ stopped/);
    assert.match(screen, /refused the gateway token from CLAWGATE_GATEWAY_TOKEN \(sha256:[0-9a-f]+/);
    assert.match(screen, /run clawgate tui again/);
    await t.pane.press('C-c');
    await t.pane.press('C-c');
    const exit = await t.exited();
    assert.deepEqual(exit.tty, ['icanon', 'echo']);
  });

  test('an unpaired remote-style device is told the exact approve command', async () => {
    const stateDir = makeStateDir({ gateway: { auth: { mode: 'token' } } });
    const t = await tui(['--url', ag.gw.url], { stateDir });
    const screen = await t.see(/✗ stopped/);
    assert.match(screen.replace(/\n\s*/g, ' '), /pairing required .*run clawgate devices approve [0-9a-f]{8}/);
  });

  test('a device paired with fewer scopes still chats, and is told how to get approvals and devices', async () => {
    const stateDir = makeStateDir({ gateway: { auth: { mode: 'token' } } });
    const first = await runCli(['--url', ag.gw.url, 'agent', '-m', 'hi'], { stateDir });
    assert.match(first.stderr, /clawgate devices approve/);
    const pending = JSON.parse((await ag.cli(['devices', 'list', '--json'])).stdout) as { pending: { requestId: string; scopes?: string[] }[] };
    const request = pending.pending.find((p) => p.scopes?.includes('operator.write') && !p.scopes.includes('operator.admin'));
    assert.ok(request, JSON.stringify(pending));
    assert.equal((await ag.cli(['devices', 'approve', request.requestId])).code, 0);
    assert.equal((await runCli(['--url', ag.gw.url, 'agent', '-m', 'hi'], { stateDir })).code, 0);
    const t = await tui(['--url', ag.gw.url, '--session', 'agent:main:limited'], { stateDir });
    const screen = await t.see('● connected');
    assert.match(screen.replace(/\n\s*/g, ' '), /clawgate devices approve [0-9a-f]{8}/);
    assert.match(screen.replace(/\n\s*/g, ' '), /connects with operator\.read, operator\.write: chat works/);
    await t.enter('still here');
    await t.see('echo: still here');
  });

  test('Ctrl+C twice exits and gives the terminal back; SIGTERM does too', async () => {
    const t = await tui();
    await t.see('● connected');
    await t.pane.type('half a thought');
    await t.pane.press('C-c');
    const hint = await t.see('press Ctrl+C again to exit');
    assert.doesNotMatch(hint, /half a thought/, 'the first Ctrl+C clears the input');
    await t.pane.press('C-c');
    const exit = await t.exited();
    assert.equal(exit.code, 0);
    assert.deepEqual(exit.tty, ['icanon', 'echo']);

    const u = await tui();
    await u.see('● connected');
    const pid = Number(await u.pane.format('#{pane_pid}'));
    const { execFileSync } = await import('node:child_process');
    const child = execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n')[0]!;
    process.kill(Number(child), 'SIGTERM');
    const term = await u.exited();
    assert.deepEqual(term.tty, ['icanon', 'echo']);
  });

  test('works in 80x24 and with NO_COLOR; a resize redraws to the new size', async () => {
    const t = await tui(['--session', 'agent:main:small'], { cols: 80, rows: 24, env: { NO_COLOR: '1' } });
    await t.see('● connected');
    await t.enter('a rather long message that has to wrap somewhere because eighty columns are not that many');
    const screen = await t.see('echo: a rather long message');
    const lines = screen.split('\n');
    assert.ok(lines.every((l) => l.length <= 80));
    assert.match(lines[0]!, /^ clawgate │/);
    assert.match(lines.at(-1)!, /tokens \d+ in/);
    const coloured = await t.pane.capture({ escapes: true });
    assert.doesNotMatch(coloured, /\x1b\[(3[0-7]|9[0-7]|38;)/, 'no colour with NO_COLOR');
    await t.pane.resize(60, 20);
    const small = await t.pane.waitFor((s) => s.split('\n').length === 20 && /tokens \d+ in/.test(s.split('\n').at(-1) ?? '') && s, 5_000);
    assert.ok(small.value, `no redraw at 60x20:\n${small.screen}`);
    assert.ok(small.screen.split('\n').every((l) => l.length <= 60));
  });
});

