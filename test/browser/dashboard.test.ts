import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startGateway, type RunningGateway } from '../helpers/gateway-process.js';
import { makeDevice, rawConnect } from '../helpers/raw-client.js';
import { launchChromium, screenshotDir, seriousAxeViolations } from '../helpers/browser.js';
import { repoRoot } from '../helpers/repo-root.js';
import { startWebServer } from '../helpers/web-server.js';

const VERSION = (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
const STEP_MS = 15_000;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Everything a page could leak a secret through: its HTML, URL, localStorage, sessionStorage and IndexedDB values. */
async function pageTraces(page: Page): Promise<string> {
  const storage = await page.evaluate(async () => {
    const dump = (s: Storage) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`).join('\n');
    const idb = await new Promise<string>((resolve) => {
      const open = indexedDB.open('clawgate-dashboard');
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('kv')) return resolve('');
        const all = db.transaction('kv').objectStore('kv').getAll();
        all.onsuccess = () => resolve(JSON.stringify(all.result));
        all.onerror = () => resolve('');
      };
      open.onerror = () => resolve('');
    });
    return `${dump(localStorage)}\n${dump(sessionStorage)}\n${idb}`;
  });
  return `${page.url()}\n${await page.content()}\n${storage}`;
}

async function pairWithToken(page: Page, gw: RunningGateway): Promise<void> {
  await page.goto(`http://127.0.0.1:${gw.port}/`);
  await page.getByLabel('Gateway token').fill(gw.token!);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.locator('[data-fact=version]').getByText(VERSION, { exact: true }).waitFor({ timeout: STEP_MS });
}

describe('the dashboard in headless Chromium', () => {
  let gw: RunningGateway;
  let browser: Browser;
  let context: BrowserContext;
  const shots = screenshotDir();

  before(async () => {
    [gw, browser] = await Promise.all([startGateway(), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  });
  after(async () => {
    await browser?.close();
    await gw?.stop();
  });

  test('first pairing through the token form lands on Overview; the token is nowhere afterwards; reload and a second tab reconnect without it', { timeout: 60_000 }, async () => {
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await pairWithToken(page, gw);
    assert.equal(await page.getByRole('heading', { name: 'Overview' }).count(), 1);
    // The fingerprint is shown, the token is not.
    const traces = await pageTraces(page);
    assert.ok(!traces.includes(gw.token!), 'the gateway token stayed in the page, URL or storage');
    assert.ok(!gw.output().includes(gw.token!), 'the gateway token reached the gateway log');
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-overview.png'), fullPage: true });
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on Overview');

    // This browser's cached device token pairs it from now on: no form on reload, nor in a second tab.
    await page.reload();
    await page.locator('[data-fact=version]').waitFor({ timeout: STEP_MS });
    const second = await context.newPage();
    await second.goto(`http://127.0.0.1:${gw.port}/#/devices`);
    await second.getByRole('heading', { name: 'Paired devices' }).waitFor({ timeout: STEP_MS });
    assert.equal(await second.getByText('(this browser)').count(), 1);
    await second.close();
    // No CSP violation or script error on the way (a violation is logged as a console error).
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test("a refused connect shows the gateway's exact cause, and the form stays for another try", { timeout: 60_000 }, async () => {
    const fresh = await browser.newContext({ viewport: { width: 1100, height: 560 } });
    try {
      const page = await fresh.newPage();
      await page.goto(`http://127.0.0.1:${gw.port}/`);
      await page.getByLabel('Gateway token').fill('not-the-token-0123456789abcdefghijklmnop');
      await page.getByRole('button', { name: 'Connect' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: STEP_MS });
      assert.equal((await alert.innerText()).trim(), 'unauthorized: gateway token mismatch (open the dashboard URL and paste the token in Control UI settings)');
      // The field was emptied: the typed secret does not linger in the page.
      assert.equal(await page.getByLabel('Gateway token').inputValue(), '');
      if (shots) await page.screenshot({ path: join(shots, 'dashboard-pair-refused.png') });
      assert.deepEqual(await seriousAxeViolations(page), [], 'axe on the pairing form');
    } finally {
      await fresh.close();
    }
  });

  test('a pending remote device appears on Devices live, and Approve moves it to Paired live', { timeout: 60_000 }, async () => {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${gw.port}/#/devices`);
    await page.getByRole('heading', { name: 'Pending requests' }).waitFor({ timeout: STEP_MS });
    const device = makeDevice();
    const refused = await rawConnect(gw.url, { device, scopes: ['operator.read'], clientId: 'test', clientMode: 'test' });
    assert.equal(refused.response?.error?.details?.code, 'PAIRING_REQUIRED');
    refused.ws.close();
    const pendingRow = page.locator(`#pending tr[data-device="${device.deviceId}"]`);
    await pendingRow.waitFor({ timeout: STEP_MS });
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-devices.png'), fullPage: true });
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on Devices');
    await pendingRow.getByRole('button', { name: /^Approve/ }).click();
    await page.locator(`#paired tr[data-device="${device.deviceId}"]`).waitFor({ timeout: STEP_MS });
    assert.equal(await pendingRow.count(), 0);
    // The approved device now connects.
    const ok = await rawConnect(gw.url, { device, scopes: ['operator.read'], clientId: 'test', clientMode: 'test' });
    assert.equal(ok.response?.ok, true);
    ok.ws.close();

    // Remove asks first: Cancel keeps the device, Remove takes it away.
    const pairedRow = page.locator(`#paired tr[data-device="${device.deviceId}"]`);
    await pairedRow.getByRole('button', { name: /^Remove/ }).click();
    await page.getByRole('dialog').waitFor();
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on the confirmation dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await pairedRow.count(), 1);
    await pairedRow.getByRole('button', { name: /^Remove/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await pairedRow.waitFor({ state: 'detached', timeout: STEP_MS });
    await page.close();
  });

  test("a page from another origin cannot use the gateway's WebSocket, even holding the token", { timeout: 60_000 }, async (t) => {
    const evil = await startWebServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>elsewhere</title><p>another site</p>');
    });
    const page = await context.newPage();
    await page.goto(`${evil.origin}/`);
    const outcome = await page.evaluate(
      ({ port, token }) =>
        new Promise<{ error?: string; code?: number; reason?: string; hello: boolean }>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
          const out: { error?: string; code?: number; reason?: string; hello: boolean } = { hello: false };
          ws.onmessage = (m) => {
            const f = JSON.parse(String(m.data));
            if (f.event === 'connect.challenge') {
              ws.send(JSON.stringify({ type: 'req', id: 'c', method: 'connect', params: { minProtocol: 3, maxProtocol: 3, client: { id: 'openclaw-control-ui', mode: 'ui', version: 'x', platform: 'web' }, role: 'operator', scopes: ['operator.admin'], caps: [], auth: { token } } }));
            } else if (f.type === 'res') {
              if (f.ok) out.hello = true;
              else out.error = f.error?.details?.code;
            }
          };
          ws.onclose = (e) => resolve({ ...out, code: e.code, reason: e.reason });
        }),
      { port: gw.port, token: gw.token! },
    );
    assert.deepEqual(outcome, { hello: false, error: 'ORIGIN_NOT_ALLOWED', code: 1008, reason: 'origin not allowed' });
    await page.close();
  });

  test('after a gateway restart the page reconnects by itself with its device token', { timeout: 60_000 }, async () => {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${gw.port}/`);
    await page.locator('[data-fact=version]').waitFor({ timeout: STEP_MS });
    const { port, stateDir, token } = gw;
    await gw.stop();
    await page.getByText(/Disconnected from the gateway|Retrying in/).first().waitFor({ timeout: STEP_MS });
    gw = await startGateway({ port, stateDir, token: token ?? null });
    await page.locator('[data-fact=version]').waitFor({ timeout: 40_000 });
    await page.close();
  });

  test('served headers: strict CSP on the page, immutable hashed assets, gzip and brotli when accepted', async () => {
    const index = await get(gw.port, '/', { host: `127.0.0.1:${gw.port}` });
    assert.equal(index.status, 200);
    const csp = String(index.headers['content-security-policy']);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.equal(index.headers['cache-control'], 'no-cache');
    const html = index.body.toString();
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'an inline script in index.html');
    assert.ok(!/<style|\sstyle=/.test(html), 'an inline style in index.html');
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(js, 'index.html names its hashed script');
    const gz = await get(gw.port, js, { 'accept-encoding': 'gzip' });
    assert.equal(gz.status, 200);
    assert.equal(gz.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(gz.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const br = await get(gw.port, js, { 'accept-encoding': 'gzip, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    const plain = await get(gw.port, js);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(gz.body.length < plain.body.length);
    // The JS budget: 150 KB gzipped.
    assert.ok(gz.body.length <= 150 * 1024, `dashboard JS is ${gz.body.length} bytes gzipped`);
    assert.equal((await get(gw.port, '/nope')).status, 404);
  });
});
