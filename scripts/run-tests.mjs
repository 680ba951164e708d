// One test-runner invocation for every supported Node (20, 22, 24): Node 24 no longer accepts a bare
// directory for `node --test`, and Node 20 has no glob support, so the files are listed here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function testFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(path));
    else if (entry.name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const roots = process.argv.slice(2);
const files = (roots.length > 0 ? roots : ['dist']).flatMap((r) => (r.endsWith('.js') ? [r] : testFiles(r))).sort();
if (files.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
// A test that hangs fails by name after this long instead of holding the run until CI's limit (the longest
// test, the crash stress run in CI, takes about 5 minutes).
const TEST_TIMEOUT_MS = 15 * 60_000;
const res = spawnSync(process.execPath, ['--test', '--test-concurrency=2', `--test-timeout=${TEST_TIMEOUT_MS}`, ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);
