import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../../test/helpers/repo-root.js';

const HEAVY = ['undici', 'linkedom', 'turndown', '@mozilla/readability'];

/** Every non-test source file of the web tools. */
function sources(dir = join(repoRoot(), 'src', 'agents', 'tools', 'web')): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [{ path, text: readFileSync(path, 'utf8') }] : [];
  });
}

test('the page parsers and undici are loaded only when a page is fetched (await import), never at module load, so CLI start-up never pays for them', () => {
  const files = sources();
  assert.ok(files.length >= 10);
  for (const { path, text } of files) {
    for (const dep of HEAVY) {
      assert.doesNotMatch(text, new RegExp(`^\\s*import\\s[^;]*from\\s+'${dep}'`, 'm'), `${path} imports ${dep} statically`);
    }
  }
  const dynamic = files.map((f) => f.text).join('\n');
  for (const dep of HEAVY) assert.ok(dynamic.includes(`import('${dep}')`), `${dep} is loaded lazily somewhere`);
});
