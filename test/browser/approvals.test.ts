// The dashboard's Approvals and Sessions pages in headless Chromium, against a real gateway whose agent (the
// stand-in model) asks to run commands: the owner decides from the page, and the CLI run that asked gets the
// outcome; the run's session and its transcript are then read on Sessions.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAgentGateway, type AgentGateway } from '../helpers/agent-gateway.js';
import { lastUserText, type Script } from '../helpers/fake-model-server.js';
import { launchChromium, pairedDashboard, screenshotDir, seriousAxeViolations } from '../helpers/browser.js';
import { repoRoot } from '../helpers/repo-root.js';

const VERSION = (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
const STEP_MS = 15_000;

/** "run NAME" asks exec to echo ran-NAME; a tool result is echoed back as the reply; anything else is echoed. */
const script: Script = ({ body }) => {
  const last = (body as { messages: Array<{ role: string; content?: unknown }> }).messages.at(-1)!;
  if (last.role === 'tool') return { text: `tool: ${String(last.content ?? '')}` };
  const text = lastUserText(body);
  const run = /^run (\w+)$/.exec(text);
  if (run) return { toolCalls: [{ name: 'exec', arguments: { command: `echo ran-${run[1]}` } }] };
  return { text: `echo: ${text}` };
};

describe('the dashboard Approvals and Sessions pages in headless Chromium', () => {
  let ag: AgentGateway;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const shots = screenshotDir();

  before(async () => {
    [ag, browser] = await Promise.all([startAgentGateway({ script }), launchChromium()]);
    ({ page } = await pairedDashboard(browser, ag.gw, { viewport: { width: 1200, height: 760 }, version: VERSION, consoleErrors, timeoutMs: STEP_MS }));
  });
  after(async () => {
    await browser?.close();
    await ag?.stop();
  });

  /** The pending row of the command `echo ran-NAME`, once it is on the page. */
  async function pendingRow(name: string) {
    const row = page.locator('#approvals-pending tr', { hasText: `echo ran-${name}` });
    await row.waitFor({ timeout: STEP_MS });
    return row;
  }

  test('a command the agent asks to run appears live; Allow once runs it and the CLI run gets its output', { timeout: 90_000 }, async () => {
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('heading', { name: 'Waiting for you' }).waitFor({ timeout: STEP_MS });
    await page.getByText('No command is waiting for approval.').waitFor({ timeout: STEP_MS });
    const asked = ag.cli(['agent', '-m', 'run alpha']);
    const row = await pendingRow('alpha');
    assert.equal(await row.locator('pre.command').innerText(), 'echo ran-alpha');
    assert.match(await row.innerText(), /main[\s\S]*agent:main:main/);
    assert.match(await row.innerText(), /\d+ (min|s)/, 'the row says when it expires');
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-approvals.png'), fullPage: true });
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on Approvals with a pending request');

    await row.getByRole('button', { name: /^Allow once/ }).click();
    const r = await asked;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"exitCode":0.*ran-alpha/);
    // Decided: it left the pending list and Recent says how and by whom.
    await row.waitFor({ state: 'detached', timeout: STEP_MS });
    const recent = page.locator('#approvals-recent tr', { hasText: 'echo ran-alpha' });
    await recent.waitFor({ timeout: STEP_MS });
    assert.equal(await recent.locator('[data-outcome]').innerText(), 'allowed once');
    assert.equal(await recent.locator('[data-decided-by]').innerText(), 'this browser');
  });

  test('Deny: the command does not run and the agent is told it was denied', { timeout: 90_000 }, async () => {
    const asked = ag.cli(['agent', '-m', 'run bravo']);
    const row = await pendingRow('bravo');
    await row.getByRole('button', { name: /^Deny/ }).click();
    const r = await asked;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /denied/i);
    assert.doesNotMatch(r.stdout, /"exitCode":0/);
    const recent = page.locator('#approvals-recent tr', { hasText: 'echo ran-bravo' });
    await recent.waitFor({ timeout: STEP_MS });
    assert.equal(await recent.locator('[data-outcome]').innerText(), 'denied');
  });

  test('Allow always asks first and stores the command in the allowlist; Remove asks first and takes it out', { timeout: 90_000 }, async () => {
    const asked = ag.cli(['agent', '-m', 'run charlie']);
    const row = await pendingRow('charlie');
    // Cancel keeps the request pending.
    await row.getByRole('button', { name: /^Allow always/ }).click();
    await page.getByRole('dialog').waitFor();
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on the Allow always dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await row.count(), 1);
    await row.getByRole('button', { name: /^Allow always/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Allow always' }).click();
    const r = await asked;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"exitCode":0.*ran-charlie/);
    const entry = page.locator('#allowlist tr', { hasText: 'echo ran-charlie' });
    await entry.waitFor({ timeout: STEP_MS });
    const recent = page.locator('#approvals-recent tr', { hasText: 'echo ran-charlie' });
    assert.equal(await recent.locator('[data-outcome]').innerText(), 'allowed always');

    await entry.getByRole('button', { name: /^Remove/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await entry.waitFor({ state: 'detached', timeout: STEP_MS });
    const stored = JSON.parse((await ag.cli(['approvals', 'allowlist', 'list', '--json'])).stdout) as { entries: Array<{ pattern: string }> };
    assert.ok(!stored.entries.some((e) => e.pattern.includes('ran-charlie')), 'the entry is gone from the store');
  });

  test('a request decided elsewhere (the CLI) leaves the page live, with who decided', { timeout: 90_000 }, async () => {
    const asked = ag.cli(['agent', '-m', 'run delta']);
    const row = await pendingRow('delta');
    const id = (await row.getAttribute('data-approval'))!;
    const denied = await ag.cli(['approvals', 'deny', id]);
    assert.equal(denied.code, 0, denied.stderr);
    await row.waitFor({ state: 'detached', timeout: STEP_MS });
    const recent = page.locator('#approvals-recent tr', { hasText: 'echo ran-delta' });
    await recent.waitFor({ timeout: STEP_MS });
    assert.equal(await recent.locator('[data-outcome]').innerText(), 'denied');
    const by = await recent.locator('[data-decided-by]').innerText();
    assert.ok(by !== 'this browser' && by !== '—', `decided by ${by}`);
    assert.equal((await asked).code, 0);
  });

  test('Sessions: the run\'s session is listed, search narrows the list, and its history shows the message and the tool call', { timeout: 90_000 }, async () => {
    const other = await ag.cli(['agent', '--session', 'agent:main:notes', '-m', 'hello notes']);
    assert.equal(other.code, 0, other.stderr);
    await page.getByRole('link', { name: 'Sessions' }).click();
    const main = page.locator('#sessions tr[data-session="agent:main:main"]');
    const notes = page.locator('#sessions tr[data-session="agent:main:notes"]');
    await main.waitFor({ timeout: STEP_MS });
    await notes.waitFor({ timeout: STEP_MS });
    assert.match(await main.innerText(), /fake\/fake-gpt/);

    await page.getByLabel('Search sessions').fill('notes');
    await main.waitFor({ state: 'detached', timeout: STEP_MS });
    assert.equal(await notes.count(), 1);
    await page.getByLabel('Search sessions').fill('agent:main:main');
    await notes.waitFor({ state: 'detached', timeout: STEP_MS });
    await main.waitFor({ timeout: STEP_MS });

    await main.getByRole('button', { name: /history of agent:main:main/ }).click();
    const history = page.locator('#history');
    const firstUser = history.locator('li[data-role=user]', { hasText: 'run alpha' });
    await firstUser.waitFor({ timeout: STEP_MS });
    const call = history.locator('details.tool-call[data-tool=exec]').first();
    assert.equal(await call.getAttribute('open'), null, 'tool calls start collapsed');
    await call.locator('summary').click();
    assert.match(await call.innerText(), /"command": "echo ran-alpha"/);
    assert.match(await call.innerText(), /ran-alpha/);
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-sessions.png'), fullPage: true });
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on Sessions with a history open');
    // No CSP violation or script error on either page (a violation is logged as a console error).
    assert.deepEqual(consoleErrors, []);
  });
});
