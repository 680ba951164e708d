/** Rendering of the comparison: a text table with ratios, the markdown page and a bar-chart SVG. */

/** One figure: median with min-max over n samples (n=1: a single reading). */
export interface Fig {
  median: number;
  min: number;
  max: number;
  n: number;
}

export type Better = 'lower' | 'higher';

export interface Metric {
  label: string;
  unit: string;
  better: Better;
  /** One per column (same order as the table's columns); null = not measured. */
  values: (Fig | null)[];
  /** Short name on the chart; omitted = not charted. */
  chart?: string;
}

const num = (v: number): string => (!Number.isFinite(v) ? '-' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

export function fmtFig(f: Fig | null, unit: string): string {
  if (!f || !Number.isFinite(f.median)) return 'n/a';
  if (f.n <= 1) return `${num(f.median)} ${unit} (n=1)`;
  return `${num(f.median)} ${unit} (${num(f.min)}-${num(f.max)})`;
}

/** peer / Clawgate of the medians, as "x3.2". */
export function ratio(peer: Fig | null, base: Fig | null): string {
  if (!peer || !base || !Number.isFinite(peer.median) || !Number.isFinite(base.median) || base.median === 0) return '';
  return `x${num(peer.median / base.median)}`;
}

/** Rows: metric, then for column 0 the value and for every other column value + ratio to column 0. */
export function tableCells(columns: string[], metrics: Metric[]): string[][] {
  const head = ['Metric', columns[0]!];
  for (const c of columns.slice(1)) head.push(c, `ratio`);
  const rows = metrics.map((m) => {
    const r = [`${m.label} (${m.better} is better)`, fmtFig(m.values[0] ?? null, m.unit)];
    for (let i = 1; i < columns.length; i++) r.push(fmtFig(m.values[i] ?? null, m.unit), ratio(m.values[i] ?? null, m.values[0] ?? null));
    return r;
  });
  return [head, ...rows];
}

export function textTable(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

export function markdownTable(cells: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${cells[0]!.map(esc).join(' | ')} |`, `|${cells[0]!.map(() => '---').join('|')}|`, ...cells.slice(1).map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

const COLORS = ['#2b8a3e', '#e8590c', '#c92a2a', '#5c7cfa'];
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Grouped bars, one group per charted metric: cost relative to Clawgate (value / Clawgate for lower-is-better,
 * Clawgate / value for higher-is-better), so taller is always worse and Clawgate is 1. Log scale.
 */
export function barChartSvg(columns: string[], metrics: Metric[], title: string): string {
  const charted = metrics.filter((m) => m.chart && m.values[0] && Number.isFinite(m.values[0].median));
  const rel = (m: Metric, i: number): number | null => {
    const v = m.values[i]?.median;
    const b = m.values[0]!.median;
    if (v === undefined || !Number.isFinite(v) || v <= 0) return null;
    return m.better === 'lower' ? v / b : b / v;
  };
  const all = charted.flatMap((m) => columns.map((_, i) => rel(m, i) ?? 1));
  const maxDecade = Math.max(1, Math.ceil(Math.log10(Math.max(...all, 1) * 1.2)));
  const minDecade = Math.min(0, Math.floor(Math.log10(Math.min(...all, 1))));
  const W = 120 + charted.length * (columns.length * 28 + 30);
  const H = 380;
  const top = 60;
  const bottom = H - 70;
  const y = (v: number) => bottom - ((Math.log10(v) - minDecade) / (maxDecade - minDecade)) * (bottom - top);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`, `<rect width="100%" height="100%" fill="#fff"/>`, `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${xml(title)}</text>`, `<text x="${W / 2}" y="38" text-anchor="middle" fill="#555">cost relative to Clawgate (log scale; taller = worse; time and memory: value / Clawgate, throughput: Clawgate / value)</text>`];
  for (let d = minDecade; d <= maxDecade; d++) {
    const v = 10 ** d;
    out.push(`<line x1="70" x2="${W - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`, `<text x="64" y="${y(v) + 4}" text-anchor="end">x${v}</text>`);
  }
  charted.forEach((m, g) => {
    const x0 = 90 + g * (columns.length * 28 + 30);
    columns.forEach((_, i) => {
      const r = rel(m, i);
      const x = x0 + i * 28;
      if (r === null) {
        out.push(`<text x="${x + 12}" y="${bottom - 4}" text-anchor="middle" fill="#999">n/a</text>`);
        return;
      }
      const yt = y(r);
      const y1 = y(10 ** minDecade);
      out.push(`<rect x="${x}" y="${Math.min(yt, y1)}" width="24" height="${Math.max(1, Math.abs(y1 - yt))}" fill="${COLORS[i % COLORS.length]}"/>`, `<text x="${x + 12}" y="${yt - 3}" text-anchor="middle" font-size="9">${r >= 10 ? r.toFixed(0) : r.toFixed(1)}</text>`);
    });
    out.push(`<text x="${x0 + (columns.length * 28) / 2 - 2}" y="${bottom + 16}" text-anchor="middle">${xml(m.chart!)}</text>`);
  });
  columns.forEach((c, i) => {
    const x = 90 + i * 190;
    out.push(`<rect x="${x}" y="${H - 30}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`, `<text x="${x + 16}" y="${H - 20}">${xml(c)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
