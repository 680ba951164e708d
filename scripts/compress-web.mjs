// Precompressed copies of the dashboard's text files (dist/web), so the gateway sends gzip or brotli without
// compressing per request; prints the JS bytes a browser downloads (the budget is 150 KB gzipped).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const DIR = 'dist/web';
const TEXT = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

let js = { raw: 0, gzip: 0, br: 0 };
for (const file of files(DIR)) {
  if (!TEXT.has(extname(file))) continue;
  const body = readFileSync(file);
  const gz = gzipSync(body, { level: 9 });
  const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  writeFileSync(`${file}.gz`, gz);
  writeFileSync(`${file}.br`, br);
  if (extname(file) === '.js') js = { raw: js.raw + statSync(file).size, gzip: js.gzip + gz.length, br: js.br + br.length };
}
console.log(`dashboard JS: ${js.raw} bytes, ${js.gzip} gzipped, ${js.br} brotli (budget 153600 gzipped)`);
if (js.gzip > 150 * 1024) {
  console.error('the dashboard JS is over its 150 KB gzipped budget');
  process.exit(1);
}
