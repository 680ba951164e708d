/** Rows on one side only, and pairs present on both sides (for the caller to compare). */
export interface KeyedDiff<T> {
  /** Only in the current store: gone after the restore. */
  removed: T[];
  /** Only in the backup: back after the restore. */
  restored: T[];
  /** On both sides: [current, backup]. */
  both: Array<[T, T]>;
}

/** Split two row lists by key into removed, restored and present on both sides. */
export function diffKeyed<T>(current: readonly T[], backup: readonly T[], key: (row: T) => string): KeyedDiff<T> {
  const cur = new Map(current.map((r) => [key(r), r]));
  const bak = new Map(backup.map((r) => [key(r), r]));
  const out: KeyedDiff<T> = { removed: [], restored: [], both: [] };
  for (const [k, r] of cur) if (!bak.has(k)) out.removed.push(r);
  for (const [k, r] of bak) {
    const now = cur.get(k);
    if (now) out.both.push([now, r]);
    else out.restored.push(r);
  }
  return out;
}

/** How many of `a` are not in `b`. */
export function countMissing<K>(a: { keys(): Iterable<K> }, b: { has(key: K): boolean }): number {
  let n = 0;
  for (const k of a.keys()) if (!b.has(k)) n++;
  return n;
}
