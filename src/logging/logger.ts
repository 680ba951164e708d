import pino, { type Logger } from 'pino';
import { inertJson } from '../protocol/display-text.js';
import { LEVELS, levelOf, type LevelName } from './levels.js';
import { formatEntry } from './pretty.js';
import { scrubValue, secretList } from './redact.js';
import { RotatingFile, type RotatingFileOptions } from './rotating-file.js';

/** A serialized entry longer than this is cut down to its head and message (bounds files and logs.tail). */
export const MAX_LOG_LINE_CHARS = 16_384;
const MAX_CUT_MSG_CHARS = 2_000;

/** How the gateway logger is built; tests inject the console, the clock and file limits. */
export interface GatewayLoggerOptions {
  logsDir: string;
  /** Console level (CLAWGATE_LOG_LEVEL); the file records at info or this, whichever is more verbose. */
  consoleLevel?: LevelName | 'silent';
  /** Where human-readable lines go (default stderr); each call gets one line with its newline. */
  console?: (line: string) => void;
  /** The secret values in force now (gateway token, ...), read on every line so rotation is seen at once. */
  secrets?: () => Iterable<string | undefined>;
  now?: () => number;
  file?: Omit<RotatingFileOptions, 'now' | 'onError'>;
}

/** The gateway's logger and the file behind it. */
export interface GatewayLogger {
  readonly log: Logger;
  readonly file: RotatingFile;
  close(): void;
}

function cut(entry: Record<string, unknown>, length: number): Record<string, unknown> {
  const msg = typeof entry['msg'] === 'string' ? entry['msg'].slice(0, MAX_CUT_MSG_CHARS) : '';
  return { level: entry['level'], time: entry['time'], pid: entry['pid'], msg, truncatedChars: length };
}

/**
 * The sink every line passes through: parse, scrub (secret fields, current secret values, token-shaped
 * strings), then the JSON line to the file and a human-readable line to the console (made inert by
 * formatEntry). Nothing reaches either without being scrubbed, whatever the caller logged.
 */
export class LogSink {
  constructor(
    private readonly file: { write(line: string): void },
    private readonly fileLevel: number,
    private readonly consoleLevel: number,
    private readonly toConsole: (line: string) => void,
    private readonly secrets: () => Iterable<string | undefined>,
  ) {}

  /** pino's destination interface: one or more JSON lines. */
  write(chunk: string): void {
    for (const raw of chunk.split('\n')) if (raw.trim() !== '') this.#line(raw);
  }

  #line(raw: string): void {
    let entry: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      entry = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { level: 'info', msg: String(raw) };
    } catch {
      entry = { level: 'info', msg: raw };
    }
    let clean = scrubValue(entry, secretList(this.secrets()));
    // inertJson: the file holds the exact data, with no raw control character for `tail -f` to act on.
    let json = inertJson(clean);
    if (json.length > MAX_LOG_LINE_CHARS) {
      clean = cut(clean, json.length);
      json = inertJson(clean);
    }
    const level = levelOf(clean);
    if (level >= this.fileLevel) this.file.write(`${json}\n`);
    if (level >= this.consoleLevel) this.toConsole(`${formatEntry(clean)}\n`);
  }
}

/**
 * The gateway's logger: pino JSON lines into `<logsDir>/clawgate-YYYY-MM-DD.log` (rotated by day,
 * pruned by age and size), human-readable lines on the console, everything scrubbed at the sink.
 */
export function createGatewayLogger(opts: GatewayLoggerOptions): GatewayLogger {
  const now = opts.now ?? Date.now;
  const toConsole = opts.console ?? ((line: string) => void process.stderr.write(line));
  const consoleLevel = opts.consoleLevel === undefined ? LEVELS.info : opts.consoleLevel === 'silent' ? Infinity : LEVELS[opts.consoleLevel];
  const fileLevel = Math.min(LEVELS.info, consoleLevel);
  const file = new RotatingFile(opts.logsDir, {
    ...opts.file,
    now,
    onError: (message) => toConsole(`${formatEntry({ level: 'warn', time: now(), msg: message })}\n`),
  });
  const sink = new LogSink(file, fileLevel, consoleLevel, toConsole, opts.secrets ?? (() => []));
  const levelName = (Object.keys(LEVELS) as LevelName[]).find((k) => LEVELS[k] === fileLevel)!;
  const log = pino(
    {
      level: levelName,
      base: { pid: process.pid },
      timestamp: () => `,"time":"${new Date(now()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    sink,
  );
  return { log, file, close: () => file.close() };
}

/** Most distinct secret values one process remembers for scrubbing (start-up values plus rotations). */
const MAX_TRACKED_SECRETS = 32;

/**
 * A secrets source for the sink: the values known at start (flag, env) plus every value `current`
 * returns over the process's life, so a token rotated away is still scrubbed if it ever shows up.
 */
export function secretTracker(initial: Iterable<string | undefined>, current: () => string | undefined): () => Iterable<string> {
  const known = new Set<string>();
  for (const v of initial) if (v) known.add(v);
  return () => {
    const now = current();
    if (now && !known.has(now) && known.size < MAX_TRACKED_SECRETS) known.add(now);
    return known;
  };
}
