import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEMORY_DIR } from './memory-paths.js';

/** Distinct words the generated notes draw from. */
export const SAMPLE_VOCABULARY_SIZE = 4000;
/** Function words mixed into the notes' sentences, as in real prose. */
const FUNCTION_WORDS = ['the', 'and', 'to', 'of', 'a', 'in', 'is', 'for', 'on', 'with', 'at', 'my', 'it', 'we'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'be', 'do', 'fa', 'gu', 'ha', 'ji', 'ko', 'pe', 'qui', 'ra', 'si', 'zu'];

/** A deterministic pseudo-random sequence (no Math.random: the same notes every time). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The i-th vocabulary word: syllables spelled from i, so every word is distinct and pronounceable. */
function vocabularyWord(i: number): string {
  let n = i + SYLLABLES.length;
  let word = '';
  while (n > 0) {
    word += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return word;
}

/** What writeSampleNotes made, for queries with known answers. */
export interface SampleNotes {
  /** Two topical words each (from the vocabulary's middle ranks: what people search for). */
  readonly queries: string[];
  /** Sentence-like queries with function words, which rarely all appear in one note. */
  readonly questions: string[];
  /** `uniqNNNNN`: the one word only note NNNNN has. */
  readonly unique: string[];
}

/**
 * Write `count` small notes into `<workspace>/memory/` (`note-00001.md`, ...: a heading and a paragraph and
 * two list items, words drawn Zipf-like from SAMPLE_VOCABULARY_SIZE words plus function words, and one
 * unique word `uniqNNNNN`), for the memory_search benchmark and tests.
 */
export function writeSampleNotes(workspace: string, count: number, seed = 12): SampleNotes {
  const rand = lcg(seed);
  const vocab = Array.from({ length: SAMPLE_VOCABULARY_SIZE }, (_, i) => vocabularyWord(i));
  // Zipf: rank r is drawn with weight 1/(r+1), by inverting the (approximate) cumulative distribution.
  const zipf = () => vocab[Math.min(vocab.length - 1, Math.floor(Math.exp(rand() * Math.log(vocab.length + 1))) - 1)]!;
  const word = () => (rand() < 0.3 ? FUNCTION_WORDS[Math.floor(rand() * FUNCTION_WORDS.length)]! : zipf());
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
  const dir = join(workspace, MEMORY_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const unique: string[] = [];
  for (let i = 1; i <= count; i++) {
    const id = String(i).padStart(5, '0');
    unique.push(`uniq${id}`);
    writeFileSync(join(dir, `note-${id}.md`), `# ${sentence(3)}\n\n${sentence(16)} uniq${id}.\n\n- ${sentence(6)}\n- ${sentence(6)}\n`, { mode: 0o600 });
  }
  const topical = () => vocab[20 + Math.floor(rand() * 480)]!;
  const queries = Array.from({ length: 100 }, () => `${topical()} ${topical()}`);
  const questions = Array.from({ length: 100 }, () => `what did we say about the ${topical()} and ${topical()}`);
  return { queries, unique, questions };
}
