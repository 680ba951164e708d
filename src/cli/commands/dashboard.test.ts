import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardUrl } from './dashboard.js';
import { opener } from '../open-url.js';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../main.js';
import { startInProcess } from '../../../test/helpers/in-process.js';
import { collectingIo } from '../../../test/helpers/cli-io.js';

test("the dashboard's URL is the gateway's host and port over http (https for wss), path /", () => {
  assert.equal(dashboardUrl('ws://127.0.0.1:18789'), 'http://127.0.0.1:18789/');
  assert.equal(dashboardUrl('wss://gw.example.net:8443/x?y#z'), 'https://gw.example.net:8443/');
  assert.equal(dashboardUrl('ws://[::1]:19000'), 'http://[::1]:19000/');
});

test('a link is opened only where there is a desktop: macOS, Windows, or a Linux display', () => {
  assert.equal(opener('linux', {}), undefined);
  assert.deepEqual(opener('linux', { DISPLAY: ':0' }), { command: 'xdg-open', args: [] });
  assert.deepEqual(opener('linux', { WAYLAND_DISPLAY: 'wayland-0' }), { command: 'xdg-open', args: [] });
  assert.equal(opener('darwin', {})?.command, 'open');
  assert.equal(opener('win32', {})?.command, 'cmd');
});

test('clawgate dashboard hands the link to the opener, and --no-open does not; --json gives url, link and expiry', async (t) => {
  const gw = await startInProcess();
  t.after(async () => {
    await gw.close();
    rmSync(gw.stateDir, { recursive: true, force: true });
  });
  writeFileSync(join(gw.stateDir, 'clawgate.json'), JSON.stringify({ gateway: { port: gw.port, auth: { mode: 'token', token: gw.token } } }), { mode: 0o600 });
  const opened: string[] = [];
  const io = { ...collectingIo({ CLAWGATE_STATE_DIR: gw.stateDir }), openUrl: async (url: string) => (opened.push(url), true) };
  assert.equal(await runCli(['dashboard'], io), 0);
  assert.equal(opened.length, 1);
  assert.match(opened[0]!, new RegExp(`^http://127\\.0\\.0\\.1:${gw.port}/#code=[A-Za-z0-9_-]{43}$`));
  assert.ok(io.outs.join('\n').includes(opened[0]!));
  assert.ok(io.outs.includes('Opened in your browser.'));

  const quiet = { ...collectingIo({ CLAWGATE_STATE_DIR: gw.stateDir }), openUrl: async (url: string) => (opened.push(url), true) };
  assert.equal(await runCli(['dashboard', '--no-open'], quiet), 0);
  assert.equal(opened.length, 1);

  const json = collectingIo({ CLAWGATE_STATE_DIR: gw.stateDir });
  assert.equal(await runCli(['dashboard', '--json'], json), 0);
  const doc = JSON.parse(json.outs.join('\n')) as { url: string; link: string; expiresAtMs: number };
  assert.equal(doc.url, `http://127.0.0.1:${gw.port}/`);
  assert.ok(doc.link.startsWith(`${doc.url}#code=`));
  assert.ok(doc.expiresAtMs > Date.now());
});
