import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { copyFileAtomic, writeFileAtomic } from './atomic-write.js';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'cg-atomic-'));
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected, write`), { code });
}

test('a write that fails half-way leaves the old file and no temp file; ENOSPC is DISK_FULL naming the file and its mount', () => {
  const d = dir();
  const path = join(d, 'clawgate.json');
  writeFileSync(path, 'old');
  const halfThenFull = (fd: number) => {
    writeFileSync(fd, 'ne'); // some bytes land, then the disk is full
    throw errno('ENOSPC');
  };
  assert.throws(
    () => writeFileAtomic(path, 'new content', { write: halfThenFull }),
    (err: unknown) => err instanceof ClawgateError && err.code === 'DISK_FULL' && err.message.includes(path) && /free space on \//.test(err.message) && typeof err.details['mount'] === 'string',
  );
  assert.equal(readFileSync(path, 'utf8'), 'old');
  assert.deepEqual(readdirSync(d), ['clawgate.json'], 'the temp file is gone');
});

test('EROFS is READ_ONLY_FILESYSTEM; any other failure is rethrown as it was, and still cleans up', () => {
  const d = dir();
  const path = join(d, 'device.json');
  assert.throws(() => writeFileAtomic(path, 'x', { write: () => { throw errno('EROFS'); } }), (err: unknown) => err instanceof ClawgateError && err.code === 'READ_ONLY_FILESYSTEM' && /remount .* read-write/.test(err.message));
  assert.throws(() => writeFileAtomic(path, 'x', { write: () => { throw errno('EIO'); } }), (err: unknown) => !(err instanceof ClawgateError) && (err as NodeJS.ErrnoException).code === 'EIO');
  assert.throws(() => writeFileAtomic(path, 'x', () => { throw errno('ENOSPC'); }), { code: 'DISK_FULL' }, 'a failure just before the rename too');
  assert.deepEqual(readdirSync(d), []);
});

test('copyFileAtomic copies whole (a .bak is the old file or absent)', () => {
  const d = dir();
  writeFileSync(join(d, 'a'), 'content');
  copyFileAtomic(join(d, 'a'), join(d, 'a.bak'));
  assert.equal(readFileSync(join(d, 'a.bak'), 'utf8'), 'content');
  assert.deepEqual(readdirSync(d).sort(), ['a', 'a.bak']);
});
