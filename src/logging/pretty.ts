import { inert, MAX_DISPLAY_TEXT_CHARS } from '../protocol/display-text.js';
import { LEVELS, levelOf } from './levels.js';

/** Fields shown in the line's head, not repeated as key=value. */
const HEAD_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname']);
const BARE_RE = /^[^\s"=\\]{1,200}$/;
/** Longest key shown; keys are ours, but a line read back from a file may hold anything. */
const MAX_KEY_CHARS = 64;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function timeOf(entry: Record<string, unknown>, withDate: boolean): string {
  const raw = entry['time'];
  const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : NaN;
  if (!Number.isFinite(ms)) return '--:--:--.---';
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

function levelLabel(entry: Record<string, unknown>): string {
  const n = levelOf(entry);
  const name = (Object.keys(LEVELS) as Array<keyof typeof LEVELS>).find((k) => LEVELS[k] === n) ?? String(n);
  return name.toUpperCase().padEnd(5);
}

function valueText(key: string, value: unknown): string {
  // An error keeps its message on the line; its stack stays in the JSON file.
  if (key === 'err' && typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') value = (value as { message: string }).message;
  if (typeof value === 'string') {
    const shown = inert(value, MAX_DISPLAY_TEXT_CHARS);
    return BARE_RE.test(shown) ? shown : JSON.stringify(shown);
  }
  if (value === undefined) return 'undefined';
  return inert(JSON.stringify(value) ?? String(value), MAX_DISPLAY_TEXT_CHARS);
}

/**
 * One human-readable line for a log entry: `time LEVEL message key=value ...` (local time; no newline). Log
 * entries carry what others sent (client names, chat senders' names and text), so the message, every key and
 * every value are made inert here, the one place a log entry becomes text on a screen.
 */
export function formatEntry(entry: Record<string, unknown>, opts: { withDate?: boolean } = {}): string {
  const msg = typeof entry['msg'] === 'string' ? inert(entry['msg'].replace(/\r?\n/g, '\\n'), MAX_DISPLAY_TEXT_CHARS) : '';
  let line = `${timeOf(entry, opts.withDate === true)} ${levelLabel(entry)} ${msg}`;
  for (const [k, v] of Object.entries(entry)) if (!HEAD_KEYS.has(k)) line += ` ${inert(k, MAX_KEY_CHARS)}=${valueText(k, v)}`;
  return line;
}
