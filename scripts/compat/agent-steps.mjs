// Agent steps of the compat run: the real OpenClaw CLI drives Clawgate's agent
// methods (agents.list, models.list, agent, agent.wait, chat.send, chat.history,
// chat.abort, sessions.list) while a stand-in OpenAI server plays the model, so
// each verdict can tell that a reply really came from the model via the gateway.
//
// What OpenClaw 2026.2.22 offers for this (from its --help and dist code):
//   - `openclaw gateway call <method> --params <json> [--expect-final] --json`
//     sends the params as given and prints the result (the final frame with
//     --expect-final);
//   - `openclaw agent -m <text> (--agent <id> | --to <E.164> | --session-id <id>)
//     [--json]` calls `agent` with expectFinal and prints the payload texts (or
//     the whole final result with --json). If that call fails it silently runs
//     its own embedded agent instead ("Gateway agent failed; falling back to
//     embedded"), so the verdicts reject that line. It sends {message, agentId?,
//     to?, sessionId?, sessionKey?, deliver:false, timeout:600, idempotencyKey};
//     --to with a phone number resolves to agent:main:main on the CLI side, and
//     --session-id alone sends no sessionKey (Clawgate then uses the default
//     agent's main session), so only --agent and --to are steps here.
import crypto from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { exitedOk, jsonStep } from './verdicts.mjs';

/** The fake model answers every call with this prefix and the last user text. */
export const REPLY_PREFIX = 'compat reply: ';
const PROVIDER = 'fake';
const MODEL = 'fake-gpt';
const CHAT_SESSION = 'agent:main:compat-chat';
// agent.wait inside one `gateway call`: below the CLI's --timeout, which is below CMD_TIMEOUT_MS.
const WAIT_MS = 15_000;
const CALL_TIMEOUT_MS = '20000';

const replyFor = (text) => `${REPLY_PREFIX}${text}`;

export function lastUserText(body) {
  const msgs = Array.isArray(body?.messages) ? body.messages : [];
  const c = [...msgs].reverse().find((m) => m?.role === 'user')?.content;
  if (typeof c === 'string') return c;
  return Array.isArray(c) ? c.map((b) => (typeof b?.text === 'string' ? b.text : '')).join('') : '';
}

/**
 * Starts the stand-in OpenAI server (the compiled test helper) on 127.0.0.1.
 * rules: (req) => Reply | undefined, asked in order before the default echo, so
 * other step files can script their own turns (the TUI steps' sub-agent).
 */
export async function startFakeModel(repoRoot, rules = []) {
  const file = path.join(repoRoot, 'dist', 'test', 'helpers', 'fake-openai.js');
  const { startFakeOpenAi } = await import(pathToFileURL(file).href);
  return startFakeOpenAi((req) => {
    for (const rule of rules) {
      const reply = rule(req);
      if (reply) return reply;
    }
    return { text: replyFor(lastUserText(req.body)) };
  });
}

/** clawgate.json keys that point the default agent at the fake model. */
export function agentConfig(fake) {
  return {
    models: { providers: { [PROVIDER]: { api: 'openai-completions', baseUrl: fake.url, apiKey: 'compat-fake-key' } } },
    agents: { defaults: { model: `${PROVIDER}/${MODEL}` } },
  };
}

const fellBack = (r) => /falling back to embedded/i.test(r.stderr);

// The final `agent` result must carry the fake model's answer to `message`.
function finalReply(j, message) {
  if (j?.status !== 'ok') return { ok: false, note: `status ${JSON.stringify(j?.status)}: ${String(j?.error ?? j?.summary ?? '').slice(0, 100)}` };
  const text = j.result?.payloads?.map((p) => p.text).join('\n') ?? '';
  return text === replyFor(message)
    ? { ok: true, note: `runId ${j.runId}, payload "${text}"` }
    : { ok: false, note: `payload text ${JSON.stringify(text.slice(0, 80))}, expected ${JSON.stringify(replyFor(message))}` };
}

const params = (o) => ['--params', JSON.stringify(o)];

/**
 * Runs the agent steps as `client` (the paired owner CLI).
 * @param {{step: Function, client: object, fake: {requests: unknown[]}}} ctx
 */
export async function runAgentSteps({ step, client, fake }) {
  const nonce = crypto.randomBytes(3).toString('hex');
  const call = (method, p, ...extra) => ['gateway', 'call', method, ...(p ? params(p) : []), ...extra, '--json'];
  // Wraps a verdict so a PASS also needs a model call made while the step ran
  // (the counter is read when the step starts and again when its command ended).
  const modelCalled = (verdict) => {
    const before = fake.requests.length;
    return (r) => {
      const v = verdict(r);
      const calls = fake.requests.length - before;
      if (!v.ok) return v;
      return calls > 0 ? { ok: true, note: `${v.note}; ${calls} model call(s)` } : { ok: false, note: `${v.note}; but the fake model got no request` };
    };
  };
  const agentVerdict = (check) => modelCalled((r) => (fellBack(r)
    ? { ok: false, note: 'gateway agent call failed; the CLI fell back to its embedded agent' } : check(r)));

  await step(client, 'gateway call agents.list --json', call('agents.list'), (r) => jsonStep(r, (j) => (j.defaultId === 'main' && j.agents?.some((a) => a.id === 'main')
    ? { ok: true, note: `defaultId main, ${j.agents.length} agent(s)` }
    : { ok: false, note: `defaultId ${JSON.stringify(j.defaultId)}, agents ${JSON.stringify(j.agents).slice(0, 80)}` })));

  await step(client, 'gateway call models.list --json', call('models.list'), (r) => jsonStep(r, (j) => (j.models?.some((m) => m.id === `${PROVIDER}/${MODEL}` || (m.provider === PROVIDER && m.id === MODEL))
    ? { ok: true, note: `lists ${PROVIDER}/${MODEL} (${j.models.length} model(s))` }
    : { ok: false, note: `no ${PROVIDER}/${MODEL} in ${JSON.stringify(j.models).slice(0, 100)}` })));

  // `openclaw agent` in gateway mode, JSON and plain output, and routed by --to.
  const m1 = `hello from openclaw agent, json output ${nonce}`;
  await step(client, 'agent --agent main -m ... --json', ['agent', '--agent', 'main', '--message', m1, '--json'],
    agentVerdict((r) => jsonStep(r, (j) => finalReply(j, m1))));

  const m2 = `hello from openclaw agent ${nonce}`;
  await step(client, 'agent --agent main -m ... (text output)', ['agent', '--agent', 'main', '--message', m2],
    agentVerdict((r) => exitedOk(r) ?? (r.stdout.trim().split('\n').includes(replyFor(m2))
      ? { ok: true, note: `printed "${replyFor(m2)}"` } : { ok: false, note: `stdout lacks "${replyFor(m2)}"` })));

  const m3 = `hello via --to ${nonce}`;
  await step(client, 'agent --to +15555550123 -m ... --json', ['agent', '--to', '+15555550123', '--message', m3, '--json'],
    agentVerdict((r) => jsonStep(r, (j) => finalReply(j, m3))));

  // `agent` through the generic caller: the two-phase response with --expect-final.
  const m4 = `hello from gateway call agent ${nonce}`;
  await step(client, 'gateway call agent --expect-final --json',
    call('agent', { message: m4, agentId: 'main', idempotencyKey: `compat-agent-${nonce}` }, '--expect-final', '--timeout', CALL_TIMEOUT_MS),
    modelCalled((r) => jsonStep(r, (j) => finalReply(j, m4))));

  // chat.send starts a run and returns; agent.wait waits for it; chat.history shows it.
  const m5 = `hello from chat.send ${nonce}`;
  const runId = `compat-chat-${nonce}`;
  await step(client, `gateway call chat.send (${CHAT_SESSION}) --json`, call('chat.send', { sessionKey: CHAT_SESSION, message: m5, idempotencyKey: runId }),
    (r) => jsonStep(r, (j) => (j.runId === runId && (j.status === 'started' || j.status === 'in_flight')
      ? { ok: true, note: `runId ${j.runId}, status ${j.status}` } : { ok: false, note: `got ${JSON.stringify(j).slice(0, 100)}` })));

  await step(client, 'gateway call agent.wait --json', call('agent.wait', { runId, timeoutMs: WAIT_MS }, '--timeout', CALL_TIMEOUT_MS),
    (r) => jsonStep(r, (j) => (j.runId === runId && j.status === 'ok'
      ? { ok: true, note: `status ok after ${(j.endedAt ?? 0) - (j.startedAt ?? 0)} ms` } : { ok: false, note: `status ${JSON.stringify(j.status)} ${j.error ?? ''}`.trim() })));

  await step(client, `gateway call chat.history (${CHAT_SESSION}) --json`, call('chat.history', { sessionKey: CHAT_SESSION }), (r) => jsonStep(r, (j) => {
    const texts = (role) => (j.messages ?? []).filter((m) => m.role === role).map((m) => (m.content ?? []).map((b) => b.text ?? '').join(''));
    const user = texts('user').includes(m5);
    const reply = texts('assistant').includes(replyFor(m5));
    return user && reply ? { ok: true, note: `${j.messages.length} messages; assistant said "${replyFor(m5)}"` }
      : { ok: false, note: `user message ${user ? 'found' : 'missing'}, model reply ${reply ? 'found' : 'missing'} in ${j.messages?.length ?? 0} messages` };
  }));

  await step(client, `gateway call chat.abort (${CHAT_SESSION}, idle) --json`, call('chat.abort', { sessionKey: CHAT_SESSION }), (r) => jsonStep(r, (j) => (j.ok === true && j.aborted === false
    ? { ok: true, note: 'ok:true, aborted:false (nothing running)' } : { ok: false, note: `got ${JSON.stringify(j).slice(0, 100)}` })));

  await step(client, 'gateway call sessions.list --json', call('sessions.list'), (r) => jsonStep(r, (j) => {
    const keys = (j.sessions ?? []).map((s) => s.key);
    const missing = ['agent:main:main', CHAT_SESSION].filter((k) => !keys.includes(k));
    return missing.length === 0 ? { ok: true, note: `${j.count} sessions: ${keys.join(', ')}` } : { ok: false, note: `missing ${missing.join(', ')}; has ${keys.join(', ') || 'none'}` };
  }));

  // Cron through OpenClaw's own CLI: its default isolated job announces to the "last" chat; --no-deliver and a
  // main-session cron expression with a time zone; then the list and the scheduler status.
  const jobName = (n) => `compat-${n}-${nonce}`;
  const added = (name) => (r) => jsonStep(r, (j) => (j.name === name && typeof j.id === 'string' ? { ok: true, note: `id ${j.id.slice(0, 8)}, next ${j.state?.nextRunAtMs ? 'set' : 'unset'}` } : { ok: false, note: `got ${JSON.stringify(j).slice(0, 100)}` }));
  await step(client, 'cron add --every 1h --session isolated --message ... --json', ['cron', 'add', '--name', jobName('isolated'), '--every', '1h', '--session', 'isolated', '--message', 'report', '--json'], added(jobName('isolated')));
  await step(client, 'cron add ... --no-deliver --json', ['cron', 'add', '--name', jobName('quiet'), '--every', '1h', '--session', 'isolated', '--message', 'report', '--no-deliver', '--json'], added(jobName('quiet')));
  await step(client, "cron add --cron '0 9 * * *' --tz Europe/Berlin --session main --system-event ... --json", ['cron', 'add', '--name', jobName('main'), '--cron', '0 9 * * *', '--tz', 'Europe/Berlin', '--session', 'main', '--system-event', 'good morning', '--json'], added(jobName('main')));
  await step(client, 'cron list --json', ['cron', 'list', '--json'], (r) => jsonStep(r, (j) => {
    const names = (j.jobs ?? []).map((x) => x.name);
    const missing = ['isolated', 'quiet', 'main'].map(jobName).filter((n) => !names.includes(n));
    return missing.length === 0 ? { ok: true, note: `${names.length} jobs` } : { ok: false, note: `missing ${missing.join(', ')}` };
  }));
  await step(client, 'cron status --json', ['cron', 'status', '--json'], (r) => jsonStep(r, (j) => (j.enabled === true && j.jobs >= 3 ? { ok: true, note: `enabled, ${j.jobs} jobs` } : { ok: false, note: `got ${JSON.stringify(j).slice(0, 100)}` })));
}
