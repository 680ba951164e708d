import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { backupInvalid } from './backup-error.js';
import { entryLimit, FILE_ENTRIES, MANIFEST_ENTRY, type BackupLimits } from './manifest.js';

/** Size and SHA-256 of each file extracted from an archive, by entry name. */
export type ExtractedFiles = Map<string, { size: number; sha256: string }>;

const ALLOWED = new Set([MANIFEST_ENTRY, ...FILE_ENTRIES]);

/** Why an entry name is refused, or undefined when it is one we expect. */
function refuseEntry(entry: ReadEntry, seen: ReadonlySet<string>, archive: string, limits: BackupLimits): ClawgateError | undefined {
  const name = entry.path;
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) {
    return backupInvalid(archive, 'unsafe-path', `it holds an entry with an absolute path "${name.slice(0, 100)}"`, { entry: name.slice(0, 100) });
  }
  if (name.split(/[\\/]/).includes('..')) {
    return backupInvalid(archive, 'unsafe-path', `it holds an entry that climbs out with ".." ("${name.slice(0, 100)}")`, { entry: name.slice(0, 100) });
  }
  if (!ALLOWED.has(name) || entry.type !== 'File') {
    return backupInvalid(archive, 'unexpected-entry', `it holds an unexpected ${entry.type} entry "${name.slice(0, 100)}" (a backup holds only ${[...ALLOWED].join(', ')})`, {
      entry: name.slice(0, 100),
    });
  }
  if (seen.has(name)) return backupInvalid(archive, 'duplicate-entry', `it holds "${name}" twice`, { entry: name });
  const limit = entryLimit(name, limits);
  if (entry.size > limit) return backupInvalid(archive, 'too-large', `entry "${name}" is ${entry.size} bytes, over the ${limit}-byte limit`, { entry: name, limit });
  return undefined;
}

/**
 * Read a gzip tar backup and write its files into `dest` (an empty private dir). Bounded: only the expected
 * regular-file entries, no absolute or ".." paths, no duplicates, every entry and the archive under a limit.
 * Entries are written by us (never by tar's extractor), each 0600, hashed as they stream.
 */
export async function extractArchive(archive: string, dest: string, limits: BackupLimits): Promise<ExtractedFiles> {
  let size: number;
  try {
    const st = statSync(archive);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (err) {
    throw backupInvalid(archive, 'unreadable', `cannot read it (${(err as Error).message})`);
  }
  if (size > limits.maxArchiveBytes) throw backupInvalid(archive, 'too-large', `it is ${size} bytes, over the ${limits.maxArchiveBytes}-byte limit`, { limit: limits.maxArchiveBytes });

  const files: ExtractedFiles = new Map();
  const seen = new Set<string>();
  let failure: ClawgateError | undefined;
  const openFds = new Set<number>();
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      if (failure) return void entry.resume();
      failure = refuseEntry(entry, seen, archive, limits);
      if (failure) {
        entry.resume();
        return void parser.abort(failure);
      }
      const name = entry.path;
      seen.add(name);
      const target = join(dest, name);
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      const fd = openSync(target, 'wx', 0o600);
      openFds.add(fd);
      const hash = createHash('sha256');
      const limit = entryLimit(name, limits);
      let written = 0;
      entry.on('data', (chunk: Buffer) => {
        if (failure) return;
        written += chunk.length;
        if (written > limit) {
          failure = backupInvalid(archive, 'too-large', `entry "${name}" is over the ${limit}-byte limit`, { entry: name, limit });
          return void parser.abort(failure);
        }
        hash.update(chunk);
        writeSync(fd, chunk);
      });
      entry.on('end', () => {
        if (!openFds.delete(fd)) return; // already closed after an abort
        closeSync(fd);
        files.set(name, { size: written, sha256: hash.digest('hex') });
      });
    },
  });
  const input = createReadStream(archive);
  let unfinished = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      input.on('error', (err) => reject(backupInvalid(archive, 'unreadable', `cannot read it (${err.message})`)));
      parser.on('error', (err: Error) => reject(failure ?? backupInvalid(archive, 'corrupt-archive', `it is not a readable gzip tar (${err.message})`)));
      parser.on('end', () => resolve());
      input.pipe(parser as unknown as NodeJS.WritableStream);
    });
  } finally {
    input.destroy();
    unfinished = openFds.size;
    for (const fd of openFds) closeSync(fd);
    openFds.clear();
  }
  if (failure) throw failure;
  if (unfinished > 0) throw backupInvalid(archive, 'corrupt-archive', 'it ends in the middle of an entry (truncated)');
  return files;
}
