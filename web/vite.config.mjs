// The dashboard's build: hashed files in dist/web/assets, nothing inline (the gateway's CSP allows only
// 'self' scripts and styles), no module-preload polyfill (it would be an extra script for browsers we do not target).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

export default {
  root: here,
  base: '/',
  logLevel: 'warn',
  publicDir: false,
  // The version the connect announces (client.version), fixed at build time like the CLI's.
  define: { __CLAWGATE_VERSION__: JSON.stringify(version) },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    target: 'es2022',
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    sourcemap: false,
    reportCompressedSize: false,
  },
};
