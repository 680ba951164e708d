import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatches, globToRegExp } from './glob.js';

const m = (glob: string, path: string) => globMatches(globToRegExp(glob), glob.includes('/'), path);

test('* stays within a name; a glob without / matches the file name anywhere', () => {
  assert.equal(m('*.md', 'notes.md'), true);
  assert.equal(m('*.md', 'memory/2024-05-01.md'), true);
  assert.equal(m('*.md', 'notes.mdx'), false);
  assert.equal(m('*.md', 'notes.txt'), false);
});

test('a glob with / matches the whole relative path; ** crosses folders, and **/ may match none', () => {
  assert.equal(m('src/*.ts', 'src/a.ts'), true);
  assert.equal(m('src/*.ts', 'src/deep/a.ts'), false);
  assert.equal(m('src/**/*.ts', 'src/deep/er/a.ts'), true);
  assert.equal(m('src/**/*.ts', 'src/a.ts'), true);
  assert.equal(m('**/*.ts', 'a.ts'), true);
  assert.equal(m('src/**', 'src/x/y'), true);
  assert.equal(m('src/**', 'lib/x'), false);
});

test('? is one character, {a,b} either, and regex characters are literal', () => {
  assert.equal(m('?.txt', 'a.txt'), true);
  assert.equal(m('?.txt', 'ab.txt'), false);
  assert.equal(m('*.{ts,js}', 'a.js'), true);
  assert.equal(m('*.{ts,js}', 'a.css'), false);
  assert.equal(m('a+b(1).txt', 'a+b(1).txt'), true);
  assert.equal(m('a.txt', 'abtxt'), false);
  assert.equal(m('{a,b', 'a'), true, 'an unclosed brace is closed at the end');
});
