// Bundle the CLI into a few ESM files: one file per entry loads in a fraction of the time that
// resolving ~150 modules takes, which is most of a CLI call's wall time. Native better-sqlite3 stays external.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Stale chunks from an earlier build would linger beside the new ones.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { cli: 'dist/src/cli/bin.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'better-sqlite3-13'],
  banner: { js: "import { createRequire as __cgCreateRequire } from 'node:module'; const require = __cgCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
  // Whitespace and syntax only: smaller to parse, while stack traces keep their names.
  minifyWhitespace: true,
  minifySyntax: true,

});
