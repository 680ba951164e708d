/** The printed table and the JSON file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Row {
  metric: string;
  result: string;
  target: string;
  /** true/false when a target applies; undefined for context rows. */
  meets?: boolean | undefined;
}

export function renderTable(rows: Row[]): string {
  const head: [string, string, string, string] = ['Metric', 'Result', 'Target', 'Meets'];
  const cells = rows.map((r): [string, string, string, string] => [r.metric, r.result, r.target, r.meets === undefined ? '' : r.meets ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(head), sep, ...cells.map(line)].join('\n');
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

/** "12.3 ms (min 10.1 - max 15.0)" */
export function msSpread(median: number, min: number, max: number): string {
  return `${median.toFixed(1)} ms (${min.toFixed(1)}-${max.toFixed(1)})`;
}
