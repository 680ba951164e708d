import { inert } from '../protocol/display-text.js';

/**
 * Longest cell a table prints. A safety net above the longest list the wire allows (32 scopes of 64
 * characters), so no requested scope is ever cut from view; callers bound names tighter.
 */
export const MAX_CELL_CHARS = 4_096;

/** Render rows as an aligned text table with a header; empty cells print as "-"; every cell is made inert. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>): string {
  const cells = rows.map((r) => headers.map((_, i) => (r[i] === undefined || r[i] === '' ? '-' : inert(String(r[i]), MAX_CELL_CHARS))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(headers), ...cells.map(line)].join('\n');
}

/** "3m ago" style age for a past timestamp. */
export function ago(tsMs: number | undefined, nowMs = Date.now()): string | undefined {
  if (tsMs === undefined) return undefined;
  const s = Math.max(0, Math.round((nowMs - tsMs) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

/** Human duration for an uptime. */
export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
