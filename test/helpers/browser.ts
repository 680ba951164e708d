import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (CI installs the `chromium` package, as .ci/run does). */
export const CHROMIUM = process.env['CLAWGATE_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Flags that keep Chromium from reaching out (updates, sync, QUIC probes) and failing noisily in a
 * sandboxed CI box; --no-sandbox because CI runs as root. Playwright adds --headless and a fresh profile dir.
 */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launch headless Chromium, or fail naming the package to install. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CLAWGATE_CHROMIUM`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30_000 });
}

/** Where screenshots go: CLAWGATE_SCREENSHOTS=<dir> (docs/ when refreshing the docs), else nowhere. */
export function screenshotDir(): string | undefined {
  const dir = process.env['CLAWGATE_SCREENSHOTS'];
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  return dir;
}
