import { REMOVED_MARK } from '../../src/protocol/display-text.js';

/** A duration in the largest two units (`3 h 12 min`, `45 s`). */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || (parts.length === 0 && size === 1)) parts.push(`${n} ${name}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** A timestamp as local date and time. */
export function formatTime(ms: number | undefined): string {
  return ms === undefined ? '—' : new Date(ms).toLocaleString();
}

/**
 * Multi-line text from the model or another device, for a <pre>: newlines and tabs kept, every other control
 * character and each bidi embedding, override or isolate shown as REMOVED_MARK, so a command cannot read
 * differently from what runs. (Lit's interpolation already makes it inert HTML.)
 */
export function visibleText(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, REMOVED_MARK);
}
