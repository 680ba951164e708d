import { LEVELS, levelOf } from './levels.js';

/** Fields shown in the line's head, not repeated as key=value. */
const HEAD_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname']);
const BARE_RE = /^[^\s"=\\]{1,200}$/;

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
  if (typeof value === 'string') return BARE_RE.test(value) ? value : JSON.stringify(value);
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}

/** One human-readable line for a log entry: `time LEVEL message key=value ...` (local time; no newline). */
export function formatEntry(entry: Record<string, unknown>, opts: { withDate?: boolean } = {}): string {
  const msg = typeof entry['msg'] === 'string' ? entry['msg'].replace(/\r?\n/g, '\\n') : '';
  let line = `${timeOf(entry, opts.withDate === true)} ${levelLabel(entry)} ${msg}`;
  for (const [k, v] of Object.entries(entry)) if (!HEAD_KEYS.has(k)) line += ` ${k}=${valueText(k, v)}`;
  return line;
}
