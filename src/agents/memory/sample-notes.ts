import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEMORY_DIR } from './memory-paths.js';

/** Words the generated notes are made of; queries built from them always have hits. */
export const SAMPLE_WORDS: readonly string[] = [
  'garden', 'invoice', 'dentist', 'birthday', 'kubernetes', 'marathon', 'recipe', 'lasagne', 'passport', 'renewal',
  'meeting', 'budget', 'holiday', 'lisbon', 'printer', 'firmware', 'sourdough', 'starter', 'insurance', 'claim',
  'piano', 'lesson', 'backup', 'server', 'tomato', 'seedlings', 'library', 'overdue', 'bicycle', 'puncture',
];

/** A deterministic pseudo-random sequence (no Math.random: the same notes every time). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Write `count` small notes into `<workspace>/memory/` (`note-00001.md`, ...: a heading and two short
 * paragraphs of SAMPLE_WORDS plus a unique word `uniqNNNNN`), for benchmarks and tests. Returns the queries
 * a benchmark can run (two-word queries from SAMPLE_WORDS, and unique words that match one note each).
 */
export function writeSampleNotes(workspace: string, count: number, seed = 12): { queries: string[]; unique: string[] } {
  const rand = lcg(seed);
  const word = () => SAMPLE_WORDS[Math.floor(rand() * SAMPLE_WORDS.length)]!;
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
  const dir = join(workspace, MEMORY_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const unique: string[] = [];
  for (let i = 1; i <= count; i++) {
    const id = String(i).padStart(5, '0');
    unique.push(`uniq${id}`);
    writeFileSync(join(dir, `note-${id}.md`), `# ${sentence(3)}\n\n${sentence(12)} uniq${id}.\n\n- ${sentence(6)}\n- ${sentence(6)}\n`, { mode: 0o600 });
  }
  const queries = Array.from({ length: 50 }, () => `${word()} ${word()}`);
  return { queries, unique };
}
