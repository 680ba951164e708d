// The dashboard's Cron and Logs pages in headless Chromium, against a real gateway whose agent is the
// stand-in model: a job added from the form runs (Run now) and its history says how it went; a bad schedule
// shows the gateway's sentence; Remove asks first. Logs follows the gateway's log and filters by level.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAgentGateway, type AgentGateway } from '../helpers/agent-gateway.js';
import { lastUserText, type Script } from '../helpers/fake-model-server.js';
import { launchChromium, pairedDashboard, screenshotDir, seriousAxeViolations } from '../helpers/browser.js';
import { makeDevice, rawConnect } from '../helpers/raw-client.js';
import { repoRoot } from '../helpers/repo-root.js';

const VERSION = (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
const STEP_MS = 15_000;

/** "fail" gets a provider error (the run fails, the gateway logs a warning); anything else is echoed. */
const script: Script = ({ body }) => {
  const text = lastUserText(body);
  if (text.includes('please fail')) return { status: 400, body: JSON.stringify({ error: { message: 'stand-in refuses', type: 'invalid_request_error' } }) };
  return { text: `echo: ${text}` };
};

describe('the dashboard Cron and Logs pages in headless Chromium', () => {
  let ag: AgentGateway;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const shots = screenshotDir();

  before(async () => {
    [ag, browser] = await Promise.all([startAgentGateway({ script }), launchChromium()]);
    ({ page } = await pairedDashboard(browser, ag.gw, { viewport: { width: 1200, height: 860 }, version: VERSION, consoleErrors, timeoutMs: STEP_MS }));
  });
  after(async () => {
    await browser?.close();
    await ag?.stop();
  });

  async function addJob(name: string, kind: string, value: string, text: string): Promise<void> {
    const form = page.locator('form.cron-add');
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Schedule', { exact: true }).selectOption(kind);
    await form.locator('#cron-schedule').fill(value);
    await form.getByLabel('Session').selectOption('isolated');
    await form.getByLabel('Message').fill(text);
    await form.getByRole('button', { name: 'Add job' }).click();
  }

  const jobRow = (name: string) => page.locator('#cron-jobs tr[data-job]', { hasText: name });

  test('a job added from the form is listed; Run now runs it and its history says ok', { timeout: 90_000 }, async () => {
    await page.getByRole('link', { name: 'Cron' }).click();
    await page.getByRole('heading', { name: 'Add a job' }).waitFor({ timeout: STEP_MS });
    await page.getByText('No cron jobs yet.').waitFor({ timeout: STEP_MS });

    await addJob('hourly digest', 'every', '1m', 'say hello');
    const row = jobRow('hourly digest');
    await row.waitFor({ timeout: STEP_MS });
    assert.equal(await row.locator('[data-schedule]').innerText(), 'every 1 min');
    assert.match(await row.innerText(), /isolated session/);
    assert.equal(await row.locator('[data-state]').innerText(), 'enabled');
    assert.match(await row.locator('[data-last]').innerText(), /never/);
    const listed = JSON.parse((await ag.cli(['cron', 'list', '--json'])).stdout) as { jobs: Array<{ name: string; schedule: { everyMs?: number }; sessionTarget: string }> };
    assert.deepEqual(
      listed.jobs.map((j) => [j.name, j.schedule.everyMs, j.sessionTarget]),
      [['hourly digest', 60_000, 'isolated']],
    );

    await row.getByRole('button', { name: /^Run now/ }).click();
    const ok = page.locator('table.runs tr[data-run]', { has: page.locator('[data-status]', { hasText: /^ok$/ }) });
    await ok.first().waitFor({ timeout: 30_000 });
    assert.match(await ok.first().innerText(), /manual/);
    assert.match(await ok.first().innerText(), /echo: say hello/);
    assert.match(await row.locator('[data-last]').innerText(), /^ok,/);
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-cron.png'), fullPage: true });
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on Cron with a history open');
  });

  test('a failing run shows error with its code; Disable and Enable toggle the job', { timeout: 90_000 }, async () => {
    await addJob('failing job', 'every', '1h', 'please fail');
    const row = jobRow('failing job');
    await row.waitFor({ timeout: STEP_MS });
    await row.getByRole('button', { name: /^Run now/ }).click();
    const runs = page.locator(`table.runs[data-runs="${await row.getAttribute('data-job')}"] tr[data-run]`);
    await runs.locator('[data-status]', { hasText: /^error$/ }).waitFor({ timeout: 30_000 });
    assert.notEqual((await runs.first().locator('[data-error-code]').innerText()).trim(), '—');

    await row.getByRole('button', { name: /^Disable/ }).click();
    await row.locator('[data-state]', { hasText: /^disabled$/ }).waitFor({ timeout: STEP_MS });
    await row.getByRole('button', { name: /^Enable/ }).click();
    await row.locator('[data-state]', { hasText: /^enabled/ }).waitFor({ timeout: STEP_MS });
  });

  test("a bad schedule shows the gateway's own message", { timeout: 60_000 }, async () => {
    await addJob('broken', 'cron', 'not a cron', 'never runs');
    const alert = page.locator('#cron-add-error');
    await alert.waitFor({ timeout: STEP_MS });
    // The same sentence the gateway answers any client.
    const r = await ag.cli(['cron', 'add', '--name', 'broken', '--cron', 'not a cron', '--session', 'isolated', '--message', 'never runs']);
    assert.notEqual(r.code, 0);
    const shown = (await alert.innerText()).trim();
    assert.ok(shown.length > 0);
    assert.ok(r.stderr.includes(shown), `the page says ${JSON.stringify(shown)}, the CLI ${JSON.stringify(r.stderr)}`);
    assert.equal(await jobRow('broken').count(), 0);
  });

  test('Remove asks first and removes the job', { timeout: 60_000 }, async () => {
    const row = jobRow('hourly digest');
    await row.getByRole('button', { name: /^Remove/ }).click();
    await page.getByRole('dialog').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await row.count(), 1);
    await row.getByRole('button', { name: /^Remove/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached', timeout: STEP_MS });
    const listed = JSON.parse((await ag.cli(['cron', 'list', '--json'])).stdout) as { jobs: Array<{ name: string }> };
    assert.deepEqual(
      listed.jobs.map((j) => j.name),
      ['failing job'],
    );
  });

  test('Logs shows the gateway log live; level warn and error hide info lines', { timeout: 60_000 }, async () => {
    await page.getByRole('link', { name: 'Logs' }).click();
    const lines = page.locator('#log-lines li');
    await page.locator('#log-lines li[data-level=info]').first().waitFor({ timeout: STEP_MS });
    // A line written after the page opened arrives through the cursor: a refused connect is logged at info.
    const before = await lines.count();
    const refused = await rawConnect(ag.gw.url, { device: makeDevice(), auth: { token: 'not-the-token' }, scopes: ['operator.read'] });
    assert.equal(refused.response?.ok, false);
    refused.ws.close();
    await page.waitForFunction((n) => document.querySelectorAll('#log-lines li').length > n, before, { timeout: STEP_MS });
    await page.locator('#log-lines li[data-level=info]', { hasText: 'handshake rejected' }).last().waitFor({ timeout: STEP_MS });

    // At info and above, the failed run's warning is among the info lines.
    await page.locator('#log-lines li[data-level=warn]', { hasText: 'run failed' }).first().waitFor({ timeout: STEP_MS });
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-logs.png'), fullPage: true });
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on Logs');

    await page.getByLabel('Level').selectOption('warn');
    await page.locator('#log-lines li[data-level=info]').first().waitFor({ state: 'detached', timeout: STEP_MS });
    await page.locator('#log-lines li[data-level=warn]', { hasText: 'run failed' }).first().waitFor({ timeout: STEP_MS });
    assert.equal(await page.locator('#log-lines li[data-level=info]').count(), 0);

    await page.getByLabel('Level').selectOption('error');
    await page.locator('#log-lines li[data-level=warn]').first().waitFor({ state: 'detached', timeout: STEP_MS });
    assert.equal(await page.locator('#log-lines li[data-level=info]').count(), 0);
    await page.getByLabel('Level').selectOption('info');
    await page.locator('#log-lines li[data-level=info]').first().waitFor({ timeout: STEP_MS });
  });

  test('no console errors (CSP violations included)', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
