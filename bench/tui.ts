/**
 * The terminal UI (`clawgate tui`): start to first paint, idle CPU, rendering a 1,000-message history, and
 * keystroke-to-echo latency. Called by run.ts as the "tui" phase (`node dist/bench/run.js --only tui` runs
 * it alone).
 *
 * Pseudo-terminal: util-linux `script -q -f -c CMD /dev/null` (no native modules). script opens a pty, runs
 * CMD on its slave and copies bytes both ways with a poll loop: what we write to script's stdin reaches the
 * TUI's stdin, and everything the TUI writes comes out of script's stdout as it is written (-f flushes each
 * read). That relay costs a few tens of microseconds per hop, so the times below are the TUI's own to well under
 * a millisecond; tmux was not used because reading its screen means polling capture-pane (ms granularity
 * plus the poll interval). CMD is `stty cols 100 rows 30 && exec node dist/bundle/cli.js tui`: stty sizes the
 * pty (script leaves it 0x0 when its own stdin is not a terminal) and exec makes the TUI's node process the
 * direct child of script, so its pid is the one whose CPU is read. The same wrapper around `node -e` (write a
 * byte, exit) is timed as a floor: spawning script + sh + stty + a bare node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { entriesFromHistory } from '../src/tui/chat-entries.js';
import { ChatLog } from '../src/tui/chat-log.js';
import { makeTheme } from '../src/tui/theme.js';
import type { WireMessage } from '../src/protocol/methods/chat.js';
import { processCpuSeconds } from './machine.js';
import { msSpread, type Row } from './report.js';
import { CLI_BIN, cleanEnv, type Gateway } from './spawn-gateway.js';
import { sleep, summarize, type Summary } from './stats.js';

const COLS = 100;
const ROWS = 30;
const HEADER = ' clawgate │';
const CONNECTED = '● connected';
/** The footer's end: drawn by the terminal library's first frame (the header before it is a plain write). */
const FULL_SCREEN = '│ /help';

export interface TuiCounts {
  starts: number;
  idleMs: number;
  keys: number;
  renders: number;
}
export const TUI_COUNTS = { quick: { starts: 3, idleMs: 10_000, keys: 20, renders: 3 }, full: { starts: 7, idleMs: 60_000, keys: 20, renders: 7 } } satisfies Record<string, TuiCounts>;

/** CSI, OSC/DCS/APC/PM strings and two-byte escapes: what is left is the text a terminal would show. */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]P_^X][\s\S]*?(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x1b[ -/][@-~]|\x1b[=>78]/g;
export const stripAnsi = (s: string) => s.replace(ANSI, '');

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** One program on a pty via script(1); output chunks are timestamped as they arrive. */
class PtyRun {
  readonly child: ChildProcess;
  readonly t0: number;
  /** Raw output so far, and the same without escape sequences. */
  raw = '';
  text = '';
  stderr = '';
  lastOutputAt: number;
  #decoder = new StringDecoder('utf8');
  #waiters: { test: (chunk: string, at: number) => boolean; res: (at: number) => void }[] = [];
  #exit: Promise<number | null>;
  exited = false;

  constructor(cmd: string, env: NodeJS.ProcessEnv, cwd: string) {
    this.t0 = performance.now();
    this.lastOutputAt = this.t0;
    this.child = spawn('script', ['-q', '-f', '-c', cmd, '/dev/null'], { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#exit = new Promise((res) => this.child.once('exit', (code) => ((this.exited = true), res(code))));
    this.child.stdout!.on('data', (d: Buffer) => {
      const at = performance.now();
      this.lastOutputAt = at;
      const chunk = this.#decoder.write(d);
      this.raw += chunk;
      this.text = stripAnsi(this.raw);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.test(chunk, at)) return true;
        w.res(at);
        return false;
      });
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  /** Resolves with the arrival time of the first chunk (from now on) for which test is true. */
  next(test: (chunk: string, at: number) => boolean, timeoutMs: number, what: string): Promise<number> {
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`pty: no ${what} within ${timeoutMs} ms; screen text so far: ${this.text.slice(-600)} ${this.stderr.slice(-300)}`)), timeoutMs);
      this.#waiters.push({ test, res: (at) => (clearTimeout(timer), res(at)) });
    });
  }

  /** Resolves with the arrival time once the accumulated text contains s (checks what already arrived). */
  async seen(s: string, timeoutMs: number): Promise<number> {
    if (this.text.includes(s)) return this.lastOutputAt;
    return this.next(() => this.text.includes(s), timeoutMs, JSON.stringify(s));
  }

  /** Waits until nothing has been written for quietMs. */
  async quiet(quietMs: number, timeoutMs = 10_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() - this.lastOutputAt < quietMs) {
      if (performance.now() > deadline) throw new Error(`pty: output never went quiet for ${quietMs} ms`);
      await sleep(Math.max(5, quietMs - (performance.now() - this.lastOutputAt)));
    }
  }

  write(s: string): void {
    this.child.stdin!.write(s);
  }

  /** The process script runs CMD in (after exec, the TUI's node). */
  innerPid(): number {
    const spid = this.child.pid!;
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === spid) return Number(d);
      } catch {
        // gone meanwhile
      }
    }
    throw new Error(`pty: script (pid ${spid}) has no child`);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      process.kill(this.innerPid(), 'SIGTERM');
    } catch {
      this.child.kill('SIGTERM');
    }
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.#exit;
    clearTimeout(kill);
  }
}

interface TuiEnv {
  env: NodeJS.ProcessEnv;
  cwd: string;
  cleanup(): void;
}

/** A home of its own (like test/helpers/tui-pane.ts), the bench gateway's state dir: its config names port and token. */
function tuiEnv(gw: Gateway): TuiEnv {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-tui-'));
  return {
    env: cleanEnv({ HOME: dir, LANG: 'C.UTF-8', TERM: 'xterm-256color', CLAWGATE_STATE_DIR: gw.stateDir }),
    cwd: dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const wrap = (argv: string[]) => `stty cols ${COLS} rows ${ROWS} && exec ${argv.map(shq).join(' ')}`;
const tuiCmd = () => wrap([process.execPath, CLI_BIN, 'tui']);

export interface StartSample {
  headerMs: number;
  /** The whole screen (header, input, footer) drawn by pi-tui, before the connection answered. */
  fullMs: number;
  connectedMs: number;
  /** CPU time (utime+stime, 10 ms ticks) of the node process, read as soon as the header arrived. */
  headerCpuMs: number;
}

async function startOnce(e: TuiEnv): Promise<StartSample> {
  const p = new PtyRun(tuiCmd(), e.env, e.cwd);
  try {
    const header = await p.seen(HEADER, 15_000);
    const headerCpuMs = processCpuSeconds(p.innerPid()) * 1000;
    const full = await p.seen(FULL_SCREEN, 15_000);
    const connected = await p.seen(CONNECTED, 15_000);
    return { headerMs: header - p.t0, fullMs: full - p.t0, connectedMs: connected - p.t0, headerCpuMs };
  } finally {
    await p.stop();
  }
}

/** The wrapper around a bare node that writes a line and waits: wall time to the line, and node's CPU by then. */
async function floorOnce(e: TuiEnv): Promise<{ ms: number; cpuMs: number }> {
  const p = new PtyRun(wrap([process.execPath, '-e', 'process.stdout.write("floor-ready"); setTimeout(() => {}, 5000)']), e.env, e.cwd);
  try {
    const ms = (await p.seen('floor-ready', 15_000)) - p.t0;
    return { ms, cpuMs: processCpuSeconds(p.innerPid()) * 1000 };
  } finally {
    await p.stop();
  }
}

export interface KeySample {
  char: string;
  ms: number;
  /** Output chunks that arrived after the write but did not contain the character (should be 0). */
  otherChunks: number;
}

/** Idle CPU of the TUI's node process, then keystrokes: one character, wait for its echo, Backspace. */
async function idleAndKeys(e: TuiEnv, idleMs: number, keys: number) {
  const p = new PtyRun(tuiCmd(), e.env, e.cwd);
  try {
    await p.seen(CONNECTED, 15_000);
    await p.quiet(1000, 15_000);
    const pid = p.innerPid();
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    const bytes0 = p.raw.length;
    const cpu0 = processCpuSeconds(pid);
    const w0 = performance.now();
    await sleep(idleMs);
    const cpuS = processCpuSeconds(pid) - cpu0;
    const wallS = (performance.now() - w0) / 1000;
    const idleOutputChars = p.raw.length - bytes0;

    // Letters only: the check strips escape sequences from everything written since the keystroke (so a
    // sequence split across chunks cannot pass its final letter off as the echo), and digits appear in
    // sequences' parameters. Only output after the write counts, and the screen is quiet before each one.
    const chars = 'qzxjkwvybfgpmuoaeirtcdhlns'.slice(0, keys).split('');
    const samples: KeySample[] = [];
    const stray: number[] = [];
    for (const c of chars) {
      await p.quiet(150);
      let other = 0;
      const from = p.raw.length;
      const echoed = p.next(() => {
        if (stripAnsi(p.raw.slice(from)).includes(c)) return true;
        other++;
        return false;
      }, 5000, `echo of ${JSON.stringify(c)}`);
      const t = performance.now();
      p.write(c);
      const at = await echoed;
      samples.push({ char: c, ms: at - t, otherChunks: other });
      await p.quiet(150);
      const erased = p.next(() => true, 5000, 'redraw after Backspace');
      p.write('\x7f');
      await erased;
      stray.push(other);
    }
    return { pid, comm, cmdline, idle: { waitMs: idleMs, cpuMs: cpuS * 1000, pctOfCore: (cpuS / wallS) * 100, outputChars: idleOutputChars }, keys: samples };
  } finally {
    await p.stop();
  }
}

// ---- rendering a long history, in process ----

const LOREM = 'The gateway keeps one transcript per session and replays it to every client that asks for history, so this text stands in for an ordinary reply of a few sentences that wraps over several lines at a hundred columns.';

/** n transcript messages: user questions, markdown replies, tool calls and their results (some failing). */
export function syntheticHistory(n: number): WireMessage[] {
  const out: WireMessage[] = [];
  let t = 1_700_000_000_000;
  for (let i = 0; out.length < n; i++) {
    const ts = () => (t += 1000);
    const kind = i % 5;
    out.push({ role: 'user', content: [{ type: 'text', text: `question ${i}: ${LOREM.slice(0, 40 + (i % 7) * 20)}` }], timestamp: ts() });
    if (out.length >= n) break;
    if (kind === 0) {
      out.push({ role: 'assistant', content: [{ type: 'text', text: `## Answer ${i}\n\n${LOREM}\n\n- **first** point with \`inline code\`\n- second point, *emphasised*\n- third point with a [link](https://example.com/${i})\n\n\`\`\`ts\nconst x = ${i};\nconsole.log(x * 2);\n\`\`\`\n` }], timestamp: ts() });
    } else if (kind === 1 || kind === 3) {
      const id = `call-${i}`;
      out.push({ role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, { type: 'toolCall', id, name: kind === 1 ? 'exec' : 'read_file', arguments: kind === 1 ? { command: `ls -la /tmp/dir-${i}` } : { path: `src/file-${i}.ts` } }], timestamp: ts() });
      if (out.length >= n) break;
      const result = Array.from({ length: 12 }, (_, j) => `line ${j} of the output of call ${i}: ${LOREM.slice(0, 60)}`).join('\n');
      out.push({ role: 'toolResult', content: [{ type: 'text', text: result }], timestamp: ts(), toolCallId: id, toolName: kind === 1 ? 'exec' : 'read_file', isError: i % 10 === 3, durationMs: 12 + (i % 50) });
      if (out.length >= n) break;
      out.push({ role: 'assistant', content: [{ type: 'text', text: `The call returned ${i % 10 === 3 ? 'an error' : 'twelve lines'}. ${LOREM.slice(0, 120)}` }], timestamp: ts() });
    } else if (kind === 2) {
      out.push({ role: 'assistant', content: [{ type: 'text', text: `${LOREM} ${LOREM}\n\n> a quoted remark ${i}\n\n1. one\n2. two\n3. three` }], timestamp: ts() });
    } else {
      out.push({ role: 'assistant', content: [{ type: 'text', text: `Short reply ${i}.` }], timestamp: ts() });
    }
  }
  return out.slice(0, n);
}

export interface RenderTimes {
  messages: number;
  entries: number;
  lines: number;
  /** entriesFromHistory + a fresh ChatLog's render(COLS, ROWS): the first screen of a loaded session. */
  firstScreenColdMs: number;
  firstScreen: Summary;
  /** entriesFromHistory + renderAll(COLS): every line wrapped, nothing cached. */
  allColdMs: number;
  all: Summary;
}

function renderHistory(runs: number): RenderTimes {
  const history = syntheticHistory(1000);
  const theme = makeTheme(true);
  const first: number[] = [];
  const all: number[] = [];
  let entries = 0;
  let lines = 0;
  // Run 0 is cold (first use of the markdown renderer and wrapping code in this process), as in a TUI that
  // just started; the summaries are over the warm runs after it.
  for (let i = 0; i <= runs; i++) {
    let t = performance.now();
    const log = new ChatLog(theme);
    log.setEntries(entriesFromHistory(history));
    const view = log.render(COLS, ROWS);
    first.push(performance.now() - t);
    if (view.length !== ROWS) throw new Error(`render returned ${view.length} lines, not ${ROWS}`);
    t = performance.now();
    const fresh = new ChatLog(theme);
    const e = entriesFromHistory(history);
    fresh.setEntries(e);
    const every = fresh.renderAll(COLS);
    all.push(performance.now() - t);
    entries = e.length;
    lines = every.length;
  }
  return { messages: history.length, entries, lines, firstScreenColdMs: first[0]!, firstScreen: summarize(first.slice(1)), allColdMs: all[0]!, all: summarize(all.slice(1)) };
}

// ---- the phase ----

export interface TuiResults {
  cols: number;
  rows: number;
  pty: string;
  warmupStarts: number;
  header: Summary;
  full: Summary;
  connected: Summary;
  floor: Summary;
  headerCpu: Summary;
  floorCpu: Summary;
  idle: { waitMs: number; cpuMs: number; pctOfCore: number; outputChars: number };
  measuredProcess: { pid: number; comm: string; cmdline: string };
  keys: Summary & { p95: number; samples: KeySample[] };
  render: RenderTimes;
}

export async function tuiPhase(gw: Gateway, n: TuiCounts, log: (m: string) => void = () => {}): Promise<{ results: TuiResults; rows: Row[]; notes: string[] }> {
  const notes: string[] = [];
  const e = tuiEnv(gw);
  try {
    log(`tui: start to first paint (1 warm-up + ${n.starts} runs)...`);
    // The first start creates the device identity and pairs it; later starts reuse both, as a person's do.
    await startOnce(e);
    const starts: StartSample[] = [];
    for (let i = 0; i < n.starts; i++) starts.push(await startOnce(e));
    const floors: { ms: number; cpuMs: number }[] = [];
    for (let i = 0; i < n.starts; i++) floors.push(await floorOnce(e));
    log(`tui: idle CPU over ${n.idleMs / 1000} s, then ${n.keys} keystrokes...`);
    const ik = await idleAndKeys(e, n.idleMs, n.keys);
    // Last, with no TUI running and the gateway idle: the render is timed in this process.
    log(`tui: rendering a 1,000-message history (1 cold + ${n.renders} warm runs)...`);
    const render = renderHistory(n.renders);
    if (!/node/.test(ik.comm) || !ik.cmdline.includes('cli.js tui')) notes.push(`tui: WARNING the idle CPU was read from pid ${ik.pid} (${ik.comm}: ${ik.cmdline}), which does not look like the TUI`);
    const keyMs = ik.keys.map((k) => k.ms);
    const sorted = [...keyMs].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
    const keys = { ...summarize(keyMs), p95, samples: ik.keys };
    const strayChunks = ik.keys.reduce((a, k) => a + k.otherChunks, 0);
    const results: TuiResults = {
      cols: COLS,
      rows: ROWS,
      pty: 'util-linux script -q -f (stty cols/rows, exec node)',
      warmupStarts: 1,
      header: summarize(starts.map((s) => s.headerMs)),
      full: summarize(starts.map((s) => s.fullMs)),
      connected: summarize(starts.map((s) => s.connectedMs)),
      floor: summarize(floors.map((f) => f.ms)),
      headerCpu: summarize(starts.map((s) => s.headerCpuMs)),
      floorCpu: summarize(floors.map((f) => f.cpuMs)),
      idle: ik.idle,
      measuredProcess: { pid: ik.pid, comm: ik.comm, cmdline: ik.cmdline },
      keys,
      render,
    };
    const r = results;
    const rows: Row[] = [
      { metric: `tui: spawn -> header " clawgate │" on the pty (median of ${r.header.n}, min-max)`, result: msSpread(r.header.median, r.header.min, r.header.max), target: '< 300 ms', meets: r.header.median < 300 },
      { metric: `tui: spawn -> whole screen drawn (input, footer; median of ${r.full.n}, min-max)`, result: msSpread(r.full.median, r.full.min, r.full.max), target: '', meets: undefined },
      { metric: `tui: spawn -> "● connected" drawn (median of ${r.connected.n}, min-max)`, result: msSpread(r.connected.median, r.connected.min, r.connected.max), target: '', meets: undefined },
      { metric: `tui: pty floor, same wrapper around node -e (median of ${r.floor.n}, min-max)`, result: msSpread(r.floor.median, r.floor.min, r.floor.max), target: 'floor', meets: undefined },
      { metric: `tui: CPU of the TUI process by first paint; bare node -e (medians)`, result: `${r.headerCpu.median.toFixed(0)} ms; ${r.floorCpu.median.toFixed(0)} ms`, target: '', meets: undefined },
      { metric: `tui: idle CPU of the TUI process over ${r.idle.waitMs / 1000} s, connected`, result: `${r.idle.pctOfCore.toFixed(2)}% of a core (${r.idle.cpuMs.toFixed(0)} ms)`, target: '< 1%', meets: r.idle.pctOfCore < 1 },
      { metric: `tui: 1,000-message history -> first screen ${COLS}x${ROWS} (median of ${r.render.firstScreen.n} warm, min-max)`, result: `${msSpread(r.render.firstScreen.median, r.render.firstScreen.min, r.render.firstScreen.max)}; cold ${r.render.firstScreenColdMs.toFixed(1)} ms`, target: '< 100 ms', meets: r.render.firstScreenColdMs < 100 && r.render.firstScreen.median < 100 },
      { metric: `tui: 1,000-message history -> renderAll(${COLS}), ${r.render.lines} lines (median of ${r.render.all.n} warm)`, result: `${msSpread(r.render.all.median, r.render.all.min, r.render.all.max)}; cold ${r.render.allColdMs.toFixed(1)} ms`, target: '< 100 ms', meets: r.render.all.median < 100 },
      { metric: `tui: keystroke -> echo on the pty (${r.keys.n} keys) median / p95 (max)`, result: `${r.keys.median.toFixed(1)} / ${r.keys.p95.toFixed(1)} ms (${r.keys.max.toFixed(1)})`, target: '', meets: undefined },
    ];
    notes.push(`tui: pty = ${r.pty}, ${COLS}x${ROWS}; start times are from spawn(script) to the chunk that completed the text on the pty, after 1 unmeasured start (identity + pairing); "connected" is drawn once the session's history and footer are loaded; keystroke = write 1 char to the pty, time to the first output chunk whose text contains it (screen quiet 150 ms before each, Backspace between; pi-tui coalesces renders at most every ${16} ms)`);
    notes.push(`tui: CPU by first paint = utime+stime of the node process read right after the header arrived (10 ms ticks; a little late, so an upper bound); unlike wall time it barely grows when other processes compete for the CPUs`);
    notes.push(`tui: idle CPU read from pid ${r.measuredProcess.pid} (${r.measuredProcess.comm}) via /proc utime+stime (10 ms ticks); it wrote ${r.idle.outputChars} chars to the pty while idle`);
    notes.push(`tui: history of ${r.render.messages} messages -> ${r.render.entries} entries; timed in the bench process (import of dist/src/tui), colour theme on`);
    if (strayChunks) notes.push(`tui: ${strayChunks} output chunks arrived between a keystroke and its echo without the character (the latency counts to the echo, not to them)`);
    return { results, rows, notes };
  } finally {
    e.cleanup();
  }
}
