// Issue 12's memory, message and cron tools in a real gateway process: the model (the stand-in OpenAI
// server) calls them, the Telegram channel is the real grammY client polling the stand-in Bot API, and the
// owner's side is `clawgate` commands. The agent reaches only chats the owner approved (allowFrom, DM
// pairing), finds its notes with file and line, and the jobs it schedules show as agent-made in cron list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAIRING_CODE_ALPHABET } from '../../src/channels/pairing.js';
import { startAgentGateway, type AgentGateway } from '../helpers/agent-gateway.js';
import { lastUserText } from '../helpers/fake-model-server.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';

const ALLOWED = 111_222_333;
const STRANGER = 444_555_666;
const PAIRED = { id: 777_888_999, username: 'paired_user' } as const;
const CODE_RE = new RegExp(`Your pairing code: ([${PAIRING_CODE_ALPHABET}]{8})`);

/** The stand-in model: "send <to> <text>", "search <words>", "schedule <name>" call the tools; a tool result is echoed. */
function script({ body }: { body: { messages: Array<{ role: string; content?: unknown }> } }) {
  const last = body.messages.at(-1)!;
  if (last.role === 'tool') return { text: `tool: ${String(last.content)}` };
  const text = lastUserText(body);
  const send = /^send (\S+) (.+)$/.exec(text);
  if (send) return { toolCalls: [{ name: 'message', arguments: { to: send[1]!, text: send[2]! } }] };
  const search = /^search (.+)$/.exec(text);
  if (search) return { toolCalls: [{ name: 'memory_search', arguments: { query: search[1]! } }] };
  const schedule = /^schedule (.+)$/.exec(text);
  if (schedule) return { toolCalls: [{ name: 'cron', arguments: { action: 'add', job: { name: schedule[1]!, schedule: { kind: 'every', everyMs: 86_400_000 }, payload: { kind: 'agentTurn', message: 'nightly summary' } } } }] };
  return { text: `echo: ${text}` };
}

describe('the agent acts: message, memory_search and cron in a running gateway', () => {
  let tg: FakeTelegram;
  let ag: AgentGateway;
  const ask = async (message: string): Promise<string> => {
    const r = await ag.cli(['agent', '-m', message]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };

  before(async () => {
    tg = await startFakeTelegram();
    ag = await startAgentGateway({
      script,
      config: { channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, allowFrom: [ALLOWED] } } },
      env: { TELEGRAM_BOT_TOKEN: '' },
    });
    await tg.until(() => tg.count('getUpdates') > 0, 'the channel polling');
  });
  after(async () => {
    await ag?.stop();
    await tg?.close();
  });

  test('message reaches a chat in allowFrom and nothing else; the refusal tells the owner how to approve', async () => {
    const sent = await ask(`send ${ALLOWED} dinner at eight`);
    assert.match(sent, /^tool: \{"status":"sent","channel":"telegram","to":"111222333"/);
    assert.deepEqual(tg.messagesTo(ALLOWED).map((m) => m.text), ['dinner at eight']);
    const refused = await ask(`send ${STRANGER} hello there`);
    assert.match(refused, /is not a target the owner approved, so nothing was sent/);
    assert.match(refused, /clawgate pairing approve telegram <code>/);
    assert.deepEqual(tg.messagesTo(STRANGER), []);
  });

  test('a sender the owner approves through DM pairing becomes a target at once', async () => {
    assert.match(await ask(`send ${PAIRED.id} too early`), /not a target the owner approved/);
    tg.pushText(PAIRED, '/start');
    const [reply] = await tg.waitForMessages(PAIRED.id, 1);
    const code = CODE_RE.exec(reply!.text)?.[1];
    assert.ok(code, reply!.text);
    const approve = await ag.cli(['pairing', 'approve', 'telegram', code]);
    assert.equal(approve.code, 0, approve.stderr);
    assert.match(await ask(`send ${PAIRED.id} welcome aboard`), /"status":"sent"/);
    await tg.until(() => tg.messagesTo(PAIRED.id).some((m) => m.text === 'welcome aboard'), 'the message to the paired sender');
    assert.ok(!tg.messagesTo(PAIRED.id).some((m) => m.text === 'too early'));
  });

  test('memory_search finds a note the owner wrote while the gateway runs, with its file and line', async () => {
    const ws = join(ag.stateDir, 'workspace');
    mkdirSync(join(ws, 'memory'), { recursive: true });
    writeFileSync(join(ws, 'memory', 'house.md'), '# Keys\n\nThe spare key is under the blue flower pot.\n');
    const found = JSON.parse((await ask('search spare key')).replace(/^tool: /, '')) as { results: Array<{ path: string; startLine: number; snippet: string }> };
    assert.deepEqual([found.results[0]!.path, found.results[0]!.startLine], ['memory/house.md', 1]);
    writeFileSync(join(ws, 'memory', 'house.md'), '# Keys\n\nThe spare key moved to the neighbour.\n');
    assert.match(await ask('search neighbour'), /"path":"memory\/house\.md"/);
  });

  test('a job the agent schedules is listed for the owner as agent-made', async () => {
    assert.match(await ask('schedule nightly summary'), /"status":"added"/);
    const list = await ag.cli(['cron', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /nightly summary\s+every 1d\s+isolated\s+main \(agent-made\)\s+enabled/);
  });
});
