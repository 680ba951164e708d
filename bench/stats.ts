/** Small summary statistics for benchmark samples (all in the unit they were taken in). */

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  p50: number;
  p99: number;
  mean: number;
}

/** Nearest-rank percentile of an already sorted array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const median = n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  const mean = n === 0 ? NaN : s.reduce((a, b) => a + b, 0) / n;
  return { n, median, min: s[0] ?? NaN, max: s[n - 1] ?? NaN, p50: percentile(s, 50), p99: percentile(s, 99), mean };
}

/** Round for display/JSON: 1 decimal under 100, integers above. */
export function round(v: number): number {
  if (!Number.isFinite(v)) return v;
  return Math.abs(v) < 100 ? Math.round(v * 10) / 10 : Math.round(v);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
