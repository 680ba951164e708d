import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../test/helpers/repo-root.js';
import { ERROR_CATALOGUE } from './error-catalogue.js';

const CODES = Object.keys(ERROR_CATALOGUE);

/** Codes named in the first cell of a row of docs/troubleshooting.md's tables (`A` / `B` rows name several). */
function documentedCodes(): Set<string> {
  const doc = readFileSync(join(repoRoot(), 'docs', 'troubleshooting.md'), 'utf8');
  const codes = new Set<string>();
  for (const line of doc.split('\n')) {
    const first = /^\|([^|]+)\|[^|]+\|[^|]+\|$/.exec(line.trim())?.[1];
    for (const m of first?.matchAll(/`([A-Z][A-Z_]+)`/g) ?? []) codes.add(m[1]!);
  }
  return codes;
}

/** The TypeScript sources under src/, tests and the catalogue itself excluded. */
function sourceTexts(dir = join(repoRoot(), 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceTexts(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'error-catalogue.ts' ? [readFileSync(path, 'utf8')] : [];
  });
}

test('every catalogue code has its row in docs/troubleshooting.md (what happened, what to do), and the doc names no other code', () => {
  const documented = documentedCodes();
  assert.deepEqual(CODES.filter((c) => !documented.has(c)), [], 'codes missing from docs/troubleshooting.md');
  assert.deepEqual([...documented].filter((c) => !CODES.includes(c)), [], 'codes in docs/troubleshooting.md that the catalogue does not have');
});

test('every catalogue code is used somewhere in src/ (an unused code is removed, not kept)', () => {
  const sources = sourceTexts().join('\n');
  assert.deepEqual(CODES.filter((c) => !sources.includes(`'${c}'`)), []);
});
