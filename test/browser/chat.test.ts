// The dashboard's Chat page in headless Chromium, against a real gateway whose agent is the stand-in model:
// a reply streams in and lands in the transcript, a sub-agent's report comes back with the agent's answer to
// it, and Abort stops a slow reply.
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
const SLOW_REPLY = 'one two three four five six seven eight nine ten eleven twelve';
const LONG_REPLY = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima';

const script: Script = ({ body }) => {
  const last = (body as { messages: Array<{ role: string; content?: unknown }> }).messages.at(-1)!;
  if (last.role === 'tool') return { text: 'Spawned the helper.' };
  const text = lastUserText(body);
  if (text === 'count the files') return { text: 'There are 42 files.', chunks: 3 };
  if (text.startsWith('[sub-agent report]')) return { text: `Report in: ${text.split('\n').at(-1)}`, chunks: 2 };
  if (text === 'spawn a helper') return { toolCalls: [{ id: 'sp1', name: 'sessions_spawn', arguments: { task: 'count the files', label: 'counter' } }] };
  if (text === 'slowly') return { text: SLOW_REPLY, chunks: 8, chunkDelayMs: 250 };
  if (text === 'take your time') return { text: LONG_REPLY, chunks: 8, chunkDelayMs: 250 };
  return { text: `echo: ${text}` };
};

describe('the dashboard Chat page in headless Chromium', () => {
  let ag: AgentGateway;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const shots = screenshotDir();

  before(async () => {
    [ag, browser] = await Promise.all([startAgentGateway({ script }), launchChromium()]);
    ({ page } = await pairedDashboard(browser, ag.gw, { viewport: { width: 1200, height: 760 }, version: VERSION, consoleErrors, timeoutMs: STEP_MS }));
    await page.getByRole('link', { name: 'Chat' }).click();
    await page.getByRole('heading', { name: /Conversation in/ }).waitFor({ timeout: STEP_MS });
  });
  after(async () => {
    await browser?.close();
    await ag?.stop();
  });

  /** The run is over when the Abort button has gone. */
  async function idle(): Promise<void> {
    await page.getByRole('button', { name: 'Abort' }).waitFor({ state: 'detached', timeout: STEP_MS });
  }

  test('a message sent with Enter: the slow reply streams in, partly then whole, and is in the transcript', { timeout: 90_000 }, async () => {
    const box = page.getByLabel('Message');
    await box.fill('slowly');
    await box.press('Enter');
    const streaming = page.locator('#chat-live li[data-role=assistant][data-streaming=true]');
    await streaming.waitFor({ timeout: STEP_MS });
    const partial = await streaming.locator('pre.text').innerText();
    assert.ok(partial.length > 0 && SLOW_REPLY.startsWith(partial) && partial !== SLOW_REPLY, `partial: ${partial}`);
    assert.ok(await page.getByRole('button', { name: 'Abort' }).isVisible(), 'Abort while the run goes on');
    const done = page.locator('#chat-history li[data-role=assistant]', { hasText: SLOW_REPLY });
    await done.waitFor({ timeout: STEP_MS });
    await idle();
    // Once: the transcript replaced the live entries.
    assert.equal(await page.locator('#chat li[data-role=assistant]', { hasText: SLOW_REPLY }).count(), 1);
    assert.equal(await page.locator('#chat li[data-role=user]', { hasText: 'slowly' }).count(), 1);
    assert.equal(await box.inputValue(), '', 'the box is emptied');
    const h = await ag.cli(['sessions', 'history', 'main']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /slowly/);
    assert.match(h.stdout, new RegExp(SLOW_REPLY));
  });

  test('Shift+Enter makes a new line; the line breaks are kept', { timeout: 60_000 }, async () => {
    const box = page.getByLabel('Message');
    await box.fill('');
    await box.type('first line');
    await box.press('Shift+Enter');
    await box.type('second <b>line</b>');
    assert.equal(await box.inputValue(), 'first line\nsecond <b>line</b>');
    await box.press('Enter');
    const reply = page.locator('#chat-history li[data-role=assistant]', { hasText: 'echo: first line' });
    await reply.waitFor({ timeout: STEP_MS });
    assert.equal(await reply.locator('pre.text').innerText(), 'echo: first line\nsecond <b>line</b>', 'text, not HTML');
    await idle();
  });

  test('a sub-agent report comes back as its own block, before the agent\'s reply to it', { timeout: 90_000 }, async () => {
    const box = page.getByLabel('Message');
    await box.fill('spawn a helper');
    await box.press('Enter');
    const card = page.locator('#chat details.tool-call[data-tool=sessions_spawn]').first();
    await card.waitFor({ timeout: STEP_MS });
    await page.locator('#chat-history li[data-role=assistant]', { hasText: 'Spawned the helper.' }).waitFor({ timeout: STEP_MS });
    const report = page.locator('#chat li[data-role=report]', { hasText: '[sub-agent report]' });
    await report.waitFor({ timeout: 30_000 });
    assert.match(await report.innerText(), /counter/);
    const reply = page.locator('#chat-history li[data-role=assistant]', { hasText: 'Report in: There are 42 files.' });
    await reply.waitFor({ timeout: STEP_MS });
    await idle();
    assert.equal(await page.locator('#chat li[data-role=report]').count(), 1, 'the report is shown once');
    const before = await page.evaluate(() => {
      const r = document.querySelector('#chat li[data-role=report]')!;
      const a = [...document.querySelectorAll('#chat li[data-role=assistant]')].find((li) => li.textContent?.includes('Report in:'))!;
      return Boolean(r.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    assert.ok(before, 'the report stands before the reply to it');
    const summary = card.locator('summary');
    assert.match(await summary.innerText(), /sessions_spawn \(ok, \d+ ms\)/);
    await summary.click();
    assert.match(await card.innerText(), /"task": "count the files"/);
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-chat.png'), fullPage: true });
  });

  test('Abort during a slow reply stops it and the page says so; axe finds nothing serious', { timeout: 90_000 }, async () => {
    const box = page.getByLabel('Message');
    await box.fill('take your time');
    await box.press('Enter');
    await page.locator('#chat-live li[data-role=assistant][data-streaming=true]').waitFor({ timeout: STEP_MS });
    await page.getByRole('button', { name: 'Abort' }).click();
    await page.locator('#chat-notice', { hasText: 'aborted' }).waitFor({ timeout: STEP_MS });
    await idle();
    // Longer than the rest of the reply would have taken: it never completes.
    await page.waitForTimeout(2_500);
    assert.equal(await page.locator('#chat', { hasText: LONG_REPLY }).count(), 0, 'the reply did not complete');
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on Chat');
    assert.deepEqual(consoleErrors, []);
  });

  test('a reconnect reloads the history without duplicates', { timeout: 90_000 }, async () => {
    await ag.restart({ samePort: true });
    await page.getByRole('heading', { name: /Conversation in/ }).waitFor({ timeout: 30_000 });
    await page.locator('#chat-history li[data-role=assistant]', { hasText: SLOW_REPLY }).waitFor({ timeout: STEP_MS });
    assert.equal(await page.locator('#chat li[data-role=assistant]', { hasText: SLOW_REPLY }).count(), 1);
    assert.equal(await page.locator('#chat li[data-role=report]').count(), 1);
  });
});
