// TUI steps of the compat run: the real `openclaw tui` (2026.2.22) runs in a
// private tmux pane as the owner identity and is driven like a person would:
// type, press Enter, read the screen. Each verdict reads only what is on the
// screen, so it fails when the TUI shows something else ("unknown", "tokens ?",
// "reset failed: ...").
//
// What the TUI prints and which gateway answer each part comes from
// (openclaw dist/tui-CrbuDQxR.js):
//   - status line "gateway connected | idle" after hello-ok, then
//     agents.list and chat.history; "gateway disconnected: <reason>" and
//     "pairing required: ..." when the connect is refused;
//   - footer "agent <id> | session <key> | <model> | tokens <n>[/<ctx>]":
//     model = provider/model of this session's sessions.list row
//     (row.modelProvider + row.model, else row.model alone, else "unknown"),
//     tokens = row.totalTokens (and row/defaults contextTokens), else "tokens ?";
//   - /status: "Default model: " + status.sessions.defaults.model,
//     "Active sessions: " + status.sessions.count;
//   - /models: a picker of models.list rows labelled `${provider}/${id}`
//     ("No matches" when the search excludes all); Enter calls sessions.patch
//     {key, model} and prints "model set to <value>" or "model set failed: ...";
//   - /new: sessions.reset {key, reason:"new"}, prints "session <key> reset",
//     then reloads chat.history, which clears the log first (so that line
//     is replaced at once by the reloaded, now empty, history), or prints
//     "reset failed: ...";
//   - chat events of runs it did not start itself (a sub-agent's report run)
//     are streamed in, and their final reloads chat.history;
//   - Ctrl+C warns "press ctrl+c again to exit", a second one within 1 s exits.
import crypto from 'node:crypto';
import { REPLY_PREFIX, lastUserText } from './agent-steps.mjs';
import { openclawArgv } from './openclaw.mjs';
import { Pane } from './tmux.mjs';

const COLS = 120;
const ROWS = 40;
const MODEL = 'fake/fake-gpt';
const SESSION = 'agent:main:main';
const MS = { connect: 30_000, reply: 20_000, footer: 5_000, command: 10_000, close: 2_000, subagent: 30_000, exit: 10_000 };

// The sub-agent conversation the stand-in model plays (see tuiModelRules).
const SPAWN_ASK = 'compat: please delegate';
const SUB_TASK = 'compat sub-agent task';
const SPAWNED = 'compat: sub-agent started';
const REPORT_ACK = 'compat parent read the report of';

/**
 * Stand-in model turns for the sub-agent step, asked before the default echo:
 *   parent "<SPAWN_ASK> <nonce>"  -> tool call sessions_spawn {task: "<SUB_TASK> <nonce>"}
 *   parent, after the tool result -> "<SPAWNED>"
 *   child "<SUB_TASK> <nonce>"    -> the default echo, "<REPLY_PREFIX><SUB_TASK> <nonce>"
 *   parent, a message carrying that echo (the report) -> "<REPORT_ACK> <nonce>"
 * The last turn keys on the child's reply, not on the report's wording, so it
 * proves that the child's result itself came back into the parent session.
 */
export function tuiModelRules() {
  const childReply = new RegExp(`${escapeRe(REPLY_PREFIX + SUB_TASK)} (\\w+)`);
  return [({ body }) => {
    const last = Array.isArray(body?.messages) ? body.messages.at(-1) : null;
    const text = lastUserText(body);
    if (text.startsWith(SPAWN_ASK)) {
      if (last?.role === 'tool') return { text: SPAWNED };
      const nonce = text.slice(SPAWN_ASK.length).trim();
      return { toolCalls: [{ name: 'sessions_spawn', arguments: { task: `${SUB_TASK} ${nonce}`, label: `compat-${nonce}` } }] };
    }
    const m = last?.role === 'user' ? text.match(childReply) : null;
    return m ? { text: `${REPORT_ACK} ${m[1]}` } : undefined;
  }];
}

function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

// --- reading the screen ------------------------------------------------------
const lines = (screen) => screen.split('\n');
const hasLine = (screen, re) => lines(screen).some((l) => re.test(l));
const footerOf = (screen) => lines(screen).find((l) => /^\s*agent \S+ \| session /.test(l))?.trim() ?? null;
const statusLineOf = (screen) => lines(screen).find((l) => /^\s*(gateway )?(dis|re)?connected\b|^\s*connecting\b/.test(l))?.trim() ?? null;
// The model picker's rows. The picker is drawn over the chat from a fixed
// column (where its "search:" line starts), one blank line under the search,
// each row "→ label  description" (selected) or "  label  description".
function pickerRows(screen) {
  const all = lines(screen);
  const at = all.findIndex((l) => l.includes('search:'));
  if (at < 0) return [];
  const col = all[at].indexOf('search:');
  const rows = [];
  for (const l of all.slice(at + 2)) {
    const m = l.slice(col).match(/^(→ | {2})(\S+)(?=\s{2}|$)/);
    if (!m) break;
    rows.push({ selected: m[1] === '→ ', label: m[2] });
  }
  return rows;
}
const headerOf = (screen) => lines(screen).find((l) => l.includes('openclaw tui - '))?.trim() ?? null;

/** The screen for a report: blank-line runs collapsed, so a failure shows what was seen. */
export function trimScreen(screen) {
  return screen.replace(/\n{3,}/g, '\n\n').trim();
}

// --- the steps -----------------------------------------------------------------

/**
 * Runs the TUI steps as `client` (the owner, token in config + env).
 * @param {{record:(title:string, ok:boolean, note:string, extra?:string[])=>void, line:(text:string)=>void, client:object,
 *   tools:object, port:number, fake:{requests:{body:any}[]}}} ctx
 */
export async function runTuiSteps({ record, line, client, tools, port, fake }) {
  const t0 = Date.now();
  const nonce = crypto.randomBytes(3).toString('hex');
  const pane = new Pane({ argv: openclawArgv(tools, ['tui']), cwd: client.root, env: client.env, dir: client.root, cols: COLS, rows: ROWS });
  const command = `tmux -L ${pane.socket} new-session -d -x ${COLS} -y ${ROWS} -- openclaw tui   (as ${client.name}: HOME=${client.home} OPENCLAW_STATE_DIR=${client.stateDir})`;

  // One report row per step; a failed one carries the last screen.
  let gone = null; // why later steps cannot run (the TUI never connected, or exited)
  const step = async (title, keys, fn) => {
    let v;
    const ran = !gone;
    if (!ran) v = { ok: false, note: `not run: ${gone}` };
    else {
      try { v = await fn(); } catch (err) { v = { ok: false, note: `check threw: ${err.message}` }; }
      const exited = Pane.exitOf(pane.lastScreen);
      if (exited && !v.last) gone = `the TUI exited (code ${exited.code})`;
    }
    const extra = [`keys: ${keys}`];
    if (!v.ok && ran && pane.lastScreen) extra.push('--- last screen ---', trimScreen(pane.lastScreen), '--- end of screen ---');
    record(`tui: ${title}`, v.ok, v.note, extra);
    return v;
  };
  // Polls until test(screen) says something, the TUI exits, or the deadline.
  const until = (test, ms) => pane.waitFor((s) => (Pane.exitOf(s) ? { exited: Pane.exitOf(s) } : test(s)), ms);
  const enter = async (text) => { await pane.type(text); await pane.press('Enter'); };

  try {
    await pane.start();
    record('tui: start openclaw tui in tmux', true, `${COLS}x${ROWS}, socket ${pane.socket}`, [`$ ${command}`]);
  } catch (err) {
    record('tui: start openclaw tui in tmux', false, err.message, [`$ ${command}`]);
    pane.kill();
    return;
  }

  try {
    await step('connects (status "gateway connected", no pairing/auth error)', '(none)', async () => {
      const w = await until((s) => {
        if (/pairing required|unauthori[sz]ed|disconnected/i.test(s)) return { refused: statusLineOf(s) ?? 'refused' };
        // Connected and the history load done (it prints "session <key>").
        return /(^|\s)(gateway )?connected \|/m.test(s) && hasLine(s, new RegExp(`^\\s*session ${SESSION}$`)) ? { ok: true } : null;
      }, MS.connect);
      const v = w.value;
      if (!v) { gone = 'the TUI did not connect'; return { ok: false, note: `no "connected" within ${MS.connect / 1000} s; status line: ${statusLineOf(w.screen) ?? '(none)'}` }; }
      if (v.exited) return { ok: false, note: `TUI exited with code ${v.exited.code} before connecting` };
      if (v.refused) { gone = 'the TUI did not connect'; return { ok: false, note: `refused: ${v.refused}` }; }
      const header = headerOf(w.screen) ?? '';
      return header.includes(`ws://127.0.0.1:${port}`)
        ? { ok: true, note: `${statusLineOf(w.screen)} after ${w.ms} ms; ${header}` }
        : { ok: false, note: `connected, but the header names another gateway: ${header || '(no header)'}` };
    });

    const chatText = `hello from the tui ${nonce}`;
    const chatReply = `${REPLY_PREFIX}${chatText}`;
    await step('chat: message + Enter, the model\'s reply appears', `"${chatText}" Enter`, async () => {
      const before = fake.requests.length;
      await enter(chatText);
      const w = await until((s) => hasLine(s, new RegExp(`^\\s*${escapeRe(chatReply)}$`)) || /send failed|run error/.test(s) ? { s } : null, MS.reply);
      const calls = fake.requests.length - before;
      if (!w.value || w.value.exited) return { ok: false, note: `no "${chatReply}" within ${MS.reply / 1000} s` };
      if (/send failed|run error/.test(w.screen)) return { ok: false, note: lines(w.screen).find((l) => /send failed|run error/.test(l)).trim() };
      return calls > 0 ? { ok: true, note: `"${chatReply}" on screen after ${w.ms} ms; ${calls} model call(s)` } : { ok: false, note: 'reply shown, but the fake model got no request' };
    });

    await step(`footer: model ${MODEL} and "tokens <n>"`, '(none: read after the reply)', async () => {
      const good = (f) => f && f.split(' | ').includes(MODEL) && /(^| )tokens \d/.test(f);
      const w = await until((s) => (good(footerOf(s)) ? { ok: true } : null), MS.footer);
      const footer = footerOf(w.screen) ?? '(no footer line)';
      return w.value?.ok ? { ok: true, note: footer } : { ok: false, note: `after ${MS.footer / 1000} s the footer reads: ${footer}` };
    });

    await step(`/status: "Default model: ${MODEL}", "Active sessions: N" (N >= 1)`, '"/status" Enter', async () => {
      await enter('/status');
      const w = await until((s) => /status failed|Active sessions: \d+/.test(s), MS.command);
      const sessions = w.screen.match(/Active sessions: (\d+)/);
      const model = w.screen.match(/Default model: (.*)$/m)?.[1]?.trim();
      if (!sessions) return { ok: false, note: lines(w.screen).find((l) => /status failed/.test(l))?.trim() ?? `no "Active sessions" line within ${MS.command / 1000} s` };
      const seen = `Default model: ${model ?? '(no line)'}; Active sessions: ${sessions[1]}`;
      return model === MODEL && Number(sessions[1]) >= 1 ? { ok: true, note: seen } : { ok: false, note: seen };
    });

    await step(`/models: the picker lists ${MODEL}; Enter sets it, footer keeps it`, '"/models" Enter, "fake-gpt", Enter (Escape if still open)', async () => {
      await enter('/models');
      let w = await until((s) => /search:|model list failed|no models available/.test(s), MS.command);
      if (!/search:/.test(w.screen)) return { ok: false, note: lines(w.screen).find((l) => /model list failed|no models available/.test(l))?.trim() ?? 'no picker' };
      // A person looking for the model types part of its name into the search.
      await pane.type('fake-gpt');
      w = await until((s) => (/search:.*fake-gpt/.test(s) ? { s } : null), MS.command);
      const noMatch = /No matches/.test(w.screen);
      const rows = pickerRows(w.screen);
      const listed = rows.some((r) => r.label === MODEL);
      const shown = noMatch ? 'No matches' : rows.map((r) => `${r.selected ? '→ ' : ''}${r.label}`).join(', ') || '(no rows)';
      if (!noMatch) await pane.press('Enter'); // picks the highlighted row
      w = await until((s) => /model set (to|failed)/.test(s), noMatch ? 0 : MS.command);
      const setLine = lines(w.screen).find((l) => /model set (to|failed)/.test(l))?.trim() ?? '(no "model set" line)';
      // The picker closes itself once the set is done (it prints "model set" a
      // little before); Escape only one that stays open, else Escape would
      // reach the editor (which answers "no active run").
      const closed = await until((s) => !/search:/.test(s), MS.close);
      if (!closed.value) { await pane.press('Escape'); await until((s) => !/search:/.test(s), MS.command); }
      if (!listed || setLine !== `model set to ${MODEL}`) return { ok: false, note: `picker: ${shown}; ${setLine}` };
      // After the set the TUI re-reads the session row; the footer must still name the model.
      const f = await until((s) => (footerOf(s)?.split(' | ').includes(MODEL) ? { ok: true } : null), MS.footer);
      const footer = footerOf(f.screen) ?? '(no footer line)';
      return f.value?.ok ? { ok: true, note: `picker: ${shown}; ${setLine}; footer: ${footer}` }
        : { ok: false, note: `after the set the footer reads: ${footer} (picker: ${shown}; ${setLine})` };
    });

    await step('/new: session reset, history reloaded without the earlier chat', '"/new" Enter', async () => {
      let sawReset = false;
      await enter('/new');
      const resetLine = new RegExp(`^\\s*session ${SESSION} reset$`);
      const w = await until((s) => {
        if (hasLine(s, resetLine)) sawReset = true;
        if (/reset failed/.test(s)) return { failed: true };
        // The reload clears the log and starts it with "session <key>"; once the
        // shorter log fits, the header is back at the top of the screen.
        return headerOf(s) && !s.includes(chatText) && hasLine(s, new RegExp(`^\\s*session ${SESSION}$`)) ? { ok: true } : null;
      }, MS.command);
      if (w.value?.failed) return { ok: false, note: lines(w.screen).find((l) => /reset failed/.test(l)).trim() };
      if (!w.value?.ok) return { ok: false, note: `no reload without "${chatText}" within ${MS.command / 1000} s` };
      const left = chatLines(w.screen);
      if (left.length > 0) return { ok: false, note: `history after reset still shows: ${left.slice(0, 3).join(' / ')}` };
      return { ok: true, note: `no "reset failed"; history reloaded empty after ${w.ms} ms${sawReset ? `; saw "session ${SESSION} reset"` : ` (the "session ${SESSION} reset" line was replaced by the reload before a capture saw it)`}` };
    });

    await step('sub-agent: sessions_spawn, its reply and report reach the parent session', `"${SPAWN_ASK} ${nonce}" Enter`, async () => {
      const childReply = `${REPLY_PREFIX}${SUB_TASK} ${nonce}`;
      const ack = `${REPORT_ACK} ${nonce}`;
      await enter(`${SPAWN_ASK} ${nonce}`);
      const w = await until((s) => (s.includes(childReply) && s.includes(ack)) || /run error|send failed/.test(s) ? { s } : null, MS.subagent);
      const childAsked = fake.requests.some((r) => lastUserText(r.body) === `${SUB_TASK} ${nonce}`);
      const seen = [
        [`"${SPAWNED}"`, w.screen.includes(SPAWNED)],
        ['"[sub-agent report]"', w.screen.includes('[sub-agent report]')],
        [`child's reply "${childReply}"`, w.screen.includes(childReply)],
        [`parent's answer "${ack}"`, w.screen.includes(ack)],
      ];
      const note = `${seen.map(([what, on]) => `${what} ${on ? 'seen' : 'NOT seen'}`).join('; ')}; child model call ${childAsked ? 'made' : 'NOT made'}`;
      const errLine = lines(w.screen).find((l) => /run error|send failed/.test(l))?.trim();
      return { ok: Boolean(w.value && !w.value.exited && !errLine) && seen[2][1] && seen[3][1] && childAsked, note: errLine ? `${errLine}; ${note}` : note };
    });

    await step('exit: Ctrl+C twice ends it, terminal restored', 'C-c, C-c', async () => {
      await pane.press('C-c');
      const warned = await until((s) => /press ctrl\+c again to exit/.test(s), 2_000);
      await pane.press('C-c');
      const w = await pane.waitFor((s) => Pane.exitOf(s), MS.exit);
      if (!w.value) return { ok: false, last: true, note: `still running ${MS.exit / 1000} s after the second Ctrl+C${warned.value ? '' : ' (no "press ctrl+c again" warning either)'}` };
      const { code, tty } = w.value;
      const cursor = await pane.format('#{cursor_flag}');
      const cooked = tty.includes('icanon') && tty.includes('echo');
      const note = `exit code ${code}; tty ${tty.join(' ') || '?'}; cursor ${cursor === '1' ? 'visible' : 'hidden'}${warned.value ? '' : '; no "press ctrl+c again" warning'}`;
      return { ok: code === 0 && cooked && cursor === '1', last: true, note };
    });
  } finally {
    pane.kill();
    line(`\ntui steps took ${((Date.now() - t0) / 1000).toFixed(1)} s; tmux server ${pane.socket} killed`);
  }
}

// Chat lines left between the header and the status line, other than the
// "session <key>" lines the TUI itself prints: after /new there should be none.
function chatLines(screen) {
  const all = lines(screen);
  const start = all.findIndex((l) => l.includes('openclaw tui - '));
  const end = all.findIndex((l) => statusLineOf(l) !== null);
  return all.slice(start + 1, end < 0 ? all.length : end).map((l) => l.trim())
    .filter((l) => l && !new RegExp(`^session ${SESSION}( reset)?$`).test(l));
}
