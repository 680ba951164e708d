import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret } from '../auth/secret.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { consoleLevelFromEnv } from './levels.js';
import { MAX_LOG_LINE_CHARS, createGatewayLogger, secretTracker } from './logger.js';

function tempLogs(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'logs');
}

function fileText(dir: string): string {
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
}

test('secrets never reach the file or the console, whatever was logged', (t) => {
  const dir = tempLogs(t);
  const lines: string[] = [];
  const gatewayToken = `gw-${randomBytes(6).toString('hex')}`; // short: only the exact-value net catches it
  const deviceToken = randomBytes(32).toString('base64url');
  const botToken = '123456:ABC-def';
  const { log, close } = createGatewayLogger({ logsDir: dir, consoleLevel: 'trace', console: (l) => void lines.push(l), secrets: () => [gatewayToken] });
  log.info({ auth: { token: gatewayToken, deviceToken }, botToken, apiKey: 'sk-1', authorization: 'Bearer x', password: 'p' }, 'connect params');
  log.warn(`echoing ${gatewayToken} and ${deviceToken}`);
  log.error({ err: new Error(`failed with ${deviceToken}`) }, 'boom');
  log.debug({ secret: new Secret(deviceToken) }, 'a Secret');
  close();
  const file = fileText(dir);
  const console = lines.join('');
  for (const s of [gatewayToken, deviceToken, botToken, 'sk-1', 'Bearer x']) {
    assert.ok(!file.includes(s), `file leaks ${s.slice(0, 4)}...`);
    assert.ok(!console.includes(s), `console leaks ${s.slice(0, 4)}...`);
  }
  assert.equal(file.trim().split('\n').length, 4, 'a trace console makes the file record debug too');
  assert.equal(lines.length, 4);
  const first = JSON.parse(file.split('\n')[0]!);
  assert.equal(first.level, 'info');
  assert.equal(first.msg, 'connect params');
  assert.equal(typeof first.time, 'string');
  assert.deepEqual(first.auth, { token: '[redacted]', deviceToken: '[redacted]' });
});

test('console lines are human-readable: one line, time level message key=value', (t) => {
  const dir = tempLogs(t);
  const lines: string[] = [];
  const now = new Date(2024, 4, 6, 7, 8, 9, 10).getTime();
  const { log, close } = createGatewayLogger({ logsDir: dir, console: (l) => void lines.push(l), now: () => now });
  log.info({ port: 18789, bind: '127.0.0.1', note: 'two words', nested: { a: 1 } }, 'gateway started\nsecond line');
  log.debug('not shown at info');
  close();
  assert.equal(lines.length, 1);
  assert.equal(lines[0], '07:08:09.010 INFO  gateway started\\nsecond line port=18789 bind=127.0.0.1 note="two words" nested={"a":1}\n');
});

test('what others sent is inert in the log: the console shows no escape, the file keeps the exact data without raw controls', (t) => {
  const dir = tempLogs(t);
  const lines: string[] = [];
  const hostile = 'phone\x1b[2J\x1b]52;c;cm0gLXJm\x07\x9b8m\u202Eevil\x7f';
  const { log, close } = createGatewayLogger({ logsDir: dir, console: (l) => void lines.push(l) });
  log.info({ client: hostile, nested: { senderName: hostile } }, `telegram: message from ${hostile}`);
  close();
  const active = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines[0]!, active, 'the console line has nothing a terminal acts on');
  assert.match(lines[0]!, /telegram: message from phone\uFFFD+evil\uFFFD client=phone\uFFFD+evil\uFFFD /);
  const file = fileText(dir);
  assert.doesNotMatch(file, active, 'nor has the file');
  const entry = JSON.parse(file.trim());
  assert.equal(entry.client, hostile, 'the file holds exactly what was logged');
  assert.equal(entry.nested.senderName, hostile);
});

test('a quiet console still leaves info in the file; a verbose one puts debug in the file too', (t) => {
  const quiet = tempLogs(t);
  const q = createGatewayLogger({ logsDir: quiet, consoleLevel: 'warn', console: () => undefined });
  q.log.info('kept in file');
  q.log.debug('dropped');
  q.close();
  assert.match(fileText(quiet), /kept in file/);
  assert.doesNotMatch(fileText(quiet), /dropped/);
  const verbose = tempLogs(t);
  const v = createGatewayLogger({ logsDir: verbose, consoleLevel: 'debug', console: () => undefined });
  v.log.debug('debug kept');
  v.close();
  assert.match(fileText(verbose), /debug kept/);
});

test('an oversized line is cut to its head and message', (t) => {
  const dir = tempLogs(t);
  const { log, close } = createGatewayLogger({ logsDir: dir, console: () => undefined });
  log.info({ blob: 'x '.repeat(MAX_LOG_LINE_CHARS) }, 'big');
  close();
  const line = fileText(dir).trim();
  assert.ok(line.length < MAX_LOG_LINE_CHARS);
  const entry = JSON.parse(line);
  assert.equal(entry.msg, 'big');
  assert.ok(entry.truncatedChars > MAX_LOG_LINE_CHARS);
});

test('nothing is written until the first line (a refused gateway leaves no log file)', (t) => {
  const dir = tempLogs(t);
  createGatewayLogger({ logsDir: dir, console: () => undefined }).close();
  assert.throws(() => readdirSync(dir), /ENOENT/);
});

test('CLAWGATE_LOG_LEVEL: default info, any pino level or silent, anything else is a config error', () => {
  assert.equal(consoleLevelFromEnv({}), 'info');
  assert.equal(consoleLevelFromEnv({ CLAWGATE_LOG_LEVEL: 'DEBUG' }), 'debug');
  assert.equal(consoleLevelFromEnv({ CLAWGATE_LOG_LEVEL: 'silent' }), 'silent');
  assert.throws(
    () => consoleLevelFromEnv({ CLAWGATE_LOG_LEVEL: 'loud' }),
    (err: unknown) => err instanceof ClawgateError && err.code === 'CONFIG_INVALID' && /trace, debug, info, warn, error, fatal, silent/.test(err.message),
  );
});

test('the secret tracker remembers rotated-away values', () => {
  let current: string | undefined = 'first-token';
  const secrets = secretTracker(['from-flag', undefined], () => current);
  assert.deepEqual([...secrets()].sort(), ['first-token', 'from-flag']);
  current = 'second-token';
  assert.deepEqual([...secrets()].sort(), ['first-token', 'from-flag', 'second-token']);
});
