import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayLogger } from './logger.js';
import { listLogFiles, localDateKey, localDateKeyDaysBefore, logFileName, LOG_RETENTION_DAYS } from './log-files.js';
import { RotatingFile } from './rotating-file.js';

const DAY = 24 * 60 * 60 * 1000;

function tempLogs(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-rot-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'logs');
}

test('a new file starts when the local date changes, checked on write', (t) => {
  const dir = tempLogs(t);
  let now = new Date(2024, 0, 31, 23, 59, 59, 900).getTime();
  const { log, close } = createGatewayLogger({ logsDir: dir, console: () => undefined, now: () => now });
  log.info('before midnight');
  now += 50;
  log.info('still the 31st');
  now += 100; // 00:00:00.050 on Feb 1st
  log.info('after midnight');
  now += DAY;
  log.info('a day later');
  close();
  assert.deepEqual(readdirSync(dir).sort(), ['clawgate-2024-01-31.log', 'clawgate-2024-02-01.log', 'clawgate-2024-02-02.log']);
  assert.match(readFileSync(join(dir, 'clawgate-2024-01-31.log'), 'utf8'), /before midnight.*\n.*still the 31st/);
  assert.match(readFileSync(join(dir, 'clawgate-2024-02-01.log'), 'utf8'), /after midnight/);
  assert.equal(readFileSync(join(dir, 'clawgate-2024-02-01.log'), 'utf8').trim().split('\n').length, 1);
});

test('the logs dir is 0700 and files 0600, even when they existed wider', (t) => {
  const dir = tempLogs(t);
  const now = new Date(2024, 5, 1, 12).getTime();
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, logFileName(localDateKey(now))), '', { mode: 0o644 });
  chmodSync(join(dir, logFileName(localDateKey(now))), 0o644);
  const file = new RotatingFile(dir, { now: () => now });
  file.write('{"msg":"x"}\n');
  file.write('{"msg":"y"}\n');
  file.close();
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  for (const f of readdirSync(dir)) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
  assert.equal(readFileSync(join(dir, logFileName(localDateKey(now))), 'utf8'), '{"msg":"x"}\n{"msg":"y"}\n', 'a restart appends to today');
});

test('retention: files older than the window go at start and on rotation; others and foreign files stay', (t) => {
  const dir = tempLogs(t);
  let now = new Date(2024, 2, 20, 12).getTime();
  mkdirSync(dir, { recursive: true });
  const old = logFileName(localDateKeyDaysBefore(now, LOG_RETENTION_DAYS + 1));
  const edge = logFileName(localDateKeyDaysBefore(now, LOG_RETENTION_DAYS));
  const oldPart = logFileName(localDateKeyDaysBefore(now, 30), 2);
  for (const f of [old, edge, oldPart, 'gateway.out', 'notes.txt']) writeFileSync(join(dir, f), 'old\n');
  const file = new RotatingFile(dir, { now: () => now });
  file.write('start\n');
  assert.deepEqual(readdirSync(dir).sort(), [edge, logFileName(localDateKey(now)), 'gateway.out', 'notes.txt'].sort());
  // The next day the edge file falls out of the window, at rotation.
  now += DAY;
  file.write('next day\n');
  file.close();
  assert.ok(!readdirSync(dir).includes(edge));
  assert.equal(listLogFiles(dir).length, 2);
});

test('total size cap: the oldest files go first; a big day continues in numbered parts', (t) => {
  const dir = tempLogs(t);
  const now = new Date(2024, 6, 10, 12).getTime();
  mkdirSync(dir, { recursive: true });
  const older = [3, 2, 1].map((d) => logFileName(localDateKeyDaysBefore(now, d)));
  for (const f of older) writeFileSync(join(dir, f), 'x'.repeat(400));
  const file = new RotatingFile(dir, { now: () => now, maxTotalBytes: 1000, maxFileBytes: 300 });
  const line = `${'y'.repeat(99)}\n`;
  file.write(line);
  // 400 * 3 + 100 > 1000: the oldest went.
  assert.deepEqual(listLogFiles(dir).map((f) => f.name), [older[1], older[2], logFileName(localDateKey(now))]);
  for (let i = 0; i < 5; i++) file.write(line);
  file.close();
  const names = listLogFiles(dir).map((f) => f.name);
  assert.ok(names.includes(logFileName(localDateKey(now), 1)), `parts: ${names.join(' ')}`);
  const total = names.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  assert.ok(total <= 1000, `total ${total}`);
  assert.equal(names.at(-1), file.currentName ?? logFileName(localDateKey(now), 1));
});

test('an unwritable logs dir is reported once and never throws', (t) => {
  const base = tempLogs(t);
  mkdirSync(join(base, '..'), { recursive: true });
  writeFileSync(base, 'a file where the dir should be');
  const errors: string[] = [];
  const file = new RotatingFile(base, { onError: (m) => void errors.push(m) });
  file.write('a\n');
  file.write('b\n');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /cannot write log file in .*logs \(EEXIST|ENOTDIR/);
});
