import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runCli, startGateway, type RunningGateway } from '../helpers/gateway-process.js';
import { launchChromium, screenshotDir, seriousAxeViolations } from '../helpers/browser.js';
import { repoRoot } from '../helpers/repo-root.js';

const VERSION = (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
const STEP_MS = 15_000;

/** `clawgate dashboard --no-open`, as the owner runs it on the host: the link it prints. */
async function dashboardLink(gw: RunningGateway): Promise<{ link: string; code: string; stdout: string }> {
  const r = await runCli(['dashboard', '--no-open'], { stateDir: gw.stateDir });
  assert.equal(r.code, 0, r.stderr);
  const m = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/#code=([A-Za-z0-9_-]+))$/m.exec(r.stdout);
  assert.ok(m, `no link in: ${r.stdout}`);
  return { link: m[1]!, code: m[2]!, stdout: r.stdout };
}

/** What a page could keep a secret in: its URL, HTML, history length aside, and both storages. */
async function traces(page: Page): Promise<string> {
  const storage = await page.evaluate(() => `${JSON.stringify({ ...localStorage })}${JSON.stringify({ ...sessionStorage })}`);
  return `${page.url()}\n${await page.content()}\n${storage}`;
}

describe('first pairing through the clawgate dashboard link', () => {
  let gw: RunningGateway;
  let browser: Browser;
  const shots = screenshotDir();

  before(async () => {
    [gw, browser] = await Promise.all([startGateway(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await gw?.stop();
  });

  test('the printed link pairs this browser and lands on Overview; the code leaves the address bar and reaches no log', { timeout: 60_000 }, async () => {
    const { link, code, stdout } = await dashboardLink(gw);
    assert.match(stdout, /works once, for 1 minute/);
    assert.match(stdout, /^Dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const consoleErrors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.goto(link);
      await page.locator('[data-fact=version]').getByText(VERSION, { exact: true }).waitFor({ timeout: STEP_MS });
      assert.equal(new URL(page.url()).hash, '#/overview');
      assert.ok(!(await traces(page)).includes(code), 'the code stayed in the page, its URL or storage');
      // Back does not return to the link: replaceState took its history entry.
      assert.ok(!(await page.evaluate(() => location.href)).includes('code='));
      // The gateway paired exactly this browser, and its log never saw the code (fragments are not sent).
      const list = JSON.parse((await runCli(['devices', 'list', '--json'], { stateDir: gw.stateDir })).stdout) as { paired: { deviceId: string; clientId?: string }[] };
      assert.equal(list.paired.filter((d) => d.clientId === 'openclaw-control-ui').length, 1);
      assert.ok(!gw.output().includes(code), 'the code reached the gateway log');
      // Reload: the device token minted for this key connects without a link or a form.
      await page.reload();
      await page.locator('[data-fact=version]').waitFor({ timeout: STEP_MS });
      assert.deepEqual(consoleErrors, []);
    } finally {
      await context.close();
    }
  });

  test('a used link shows the exact cause and the command in another browser, which stays unpaired', { timeout: 60_000 }, async () => {
    const { link } = await dashboardLink(gw);
    const first = await browser.newContext();
    const second = await browser.newContext({ viewport: { width: 1100, height: 600 } });
    try {
      const a = await first.newPage();
      await a.goto(link);
      await a.locator('[data-fact=version]').waitFor({ timeout: STEP_MS });
      const before = JSON.parse((await runCli(['devices', 'list', '--json'], { stateDir: gw.stateDir })).stdout) as { paired: unknown[]; pending: unknown[] };
      const b = await second.newPage();
      await b.goto(link);
      const alert = b.getByRole('alert');
      await alert.waitFor({ timeout: STEP_MS });
      assert.equal(
        (await alert.innerText()).trim(),
        'unauthorized: this dashboard link was already used or is not from this gateway run; run clawgate dashboard on the gateway host for a new link (a link works once, for one minute)',
      );
      // The token form is there for the other way in, and the link's code is gone from the address bar.
      await b.getByLabel('Gateway token').waitFor({ timeout: STEP_MS });
      assert.ok(!b.url().includes('code='));
      if (shots) await b.screenshot({ path: join(shots, 'dashboard-link-used.png') });
      assert.deepEqual(await seriousAxeViolations(b), []);
      const after = JSON.parse((await runCli(['devices', 'list', '--json'], { stateDir: gw.stateDir })).stdout) as { paired: unknown[]; pending: unknown[] };
      assert.equal(after.paired.length, before.paired.length);
      assert.equal(after.pending.length, before.pending.length);
    } finally {
      await first.close();
      await second.close();
    }
  });

  test('with the gateway down, clawgate dashboard says so and names the command', { timeout: 30_000 }, async () => {
    const down = await startGateway();
    await down.stop();
    const r = await runCli(['dashboard', '--no-open'], { stateDir: down.stateDir });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot reach the gateway .*start it with: clawgate gateway run/);
    assert.doesNotMatch(r.stdout, /#code=/);
  });
});
