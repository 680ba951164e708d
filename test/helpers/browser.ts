import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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

/**
 * A page of a fresh context paired with the dashboard through the token form, as the owner does the first
 * time, landed on Overview (its version shown). Console errors of the page are pushed to consoleErrors.
 */
export async function pairedDashboard(
  browser: Browser,
  gw: { port: number; token: string | undefined },
  opts: { viewport: { width: number; height: number }; version: string; consoleErrors: string[]; timeoutMs: number },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: opts.viewport });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') opts.consoleErrors.push(m.text());
  });
  await page.goto(`http://127.0.0.1:${gw.port}/`);
  await page.getByLabel('Gateway token').fill(gw.token!);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.locator('[data-fact=version]').getByText(opts.version, { exact: true }).waitFor({ timeout: opts.timeoutMs });
  return { context, page };
}

/** Where screenshots go: CLAWGATE_SCREENSHOTS=<dir> (docs/ when refreshing the docs), else nowhere. */
export function screenshotDir(): string | undefined {
  const dir = process.env['CLAWGATE_SCREENSHOTS'];
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** One axe finding, trimmed to what a failure message needs. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Run axe-core (WCAG 2 A/AA rules) on the page and return its serious and critical violations. The engine
 * goes in through the DevTools protocol (page.evaluate), which the page's strict CSP does not govern.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const found = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
