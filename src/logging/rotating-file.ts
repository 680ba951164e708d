import { chmodSync, closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  LOG_RETENTION_DAYS,
  MAX_LOG_FILE_BYTES,
  MAX_TOTAL_LOG_BYTES,
  listLogFiles,
  localDateKey,
  localMidnight,
  logFileName,
  nextLocalMidnight,
  pruneLogFiles,
} from './log-files.js';

/** After a failed write, lines go to the console only for this long before the file is tried again. */
const WRITE_RETRY_MS = 5_000;

/** Limits and clock of a rotating log file; tests inject a clock and small limits. */
export interface RotatingFileOptions {
  now?: () => number;
  retentionDays?: number;
  maxTotalBytes?: number;
  maxFileBytes?: number;
  /** Told once per failure streak when the file cannot be written (the gateway keeps running). */
  onError?: (message: string) => void;
}

/**
 * `<logs>/clawgate-YYYY-MM-DD.log`, appended with synchronous whole-line writes (a crash loses no
 * acknowledged line, and a reader sees each line at once). The day is checked on every write with one
 * comparison; rotation and start prune by retention and total size. Dir 0700, files 0600.
 */
export class RotatingFile {
  readonly #dir: string;
  readonly #now: () => number;
  readonly #limits: { retentionDays: number; maxTotalBytes: number };
  readonly #maxFileBytes: number;
  readonly #onError: (message: string) => void;
  #fd: number | undefined;
  #name: string | undefined;
  #date = '';
  #part = 0;
  #size = 0;
  #othersBytes = 0;
  #dayStartMs = 0;
  #dayEndMs = 0;
  #failing = false;
  #retryAtMs = 0;

  constructor(dir: string, opts: RotatingFileOptions = {}) {
    this.#dir = dir;
    this.#now = opts.now ?? Date.now;
    this.#limits = { retentionDays: opts.retentionDays ?? LOG_RETENTION_DAYS, maxTotalBytes: opts.maxTotalBytes ?? MAX_TOTAL_LOG_BYTES };
    this.#maxFileBytes = Math.min(opts.maxFileBytes ?? MAX_LOG_FILE_BYTES, this.#limits.maxTotalBytes);
    this.#onError = opts.onError ?? (() => undefined);
  }

  /** The file currently written, if one is open. */
  get currentName(): string | undefined {
    return this.#name;
  }

  /** Append one line (with its newline). Never throws: a failing disk must not stop the gateway. */
  write(line: string): void {
    const t = this.#now();
    const bytes = Buffer.byteLength(line);
    if (this.#failing && t < this.#retryAtMs) return;
    try {
      if (this.#fd === undefined || t >= this.#dayEndMs || t < this.#dayStartMs) this.#open(t, false);
      else if (this.#size > 0 && this.#size + bytes > this.#maxFileBytes) this.#open(t, true);
      writeSync(this.#fd!, line);
      this.#size += bytes;
      if (this.#othersBytes + this.#size > this.#limits.maxTotalBytes) this.#othersBytes = pruneLogFiles(this.#dir, t, this.#name, this.#limits);
      this.#failing = false;
    } catch (err) {
      this.#closeFd();
      if (!this.#failing) this.#onError(`cannot write log file in ${this.#dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); logging to the console only until it works again`);
      this.#failing = true;
      this.#retryAtMs = t + WRITE_RETRY_MS;
    }
  }

  /** Close the file; a later write reopens it. */
  close(): void {
    this.#closeFd();
  }

  #open(t: number, nextPart: boolean): void {
    this.#closeFd();
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    chmodSync(this.#dir, 0o700);
    const date = localDateKey(t);
    if (nextPart && date === this.#date) {
      this.#part++;
    } else {
      // Continue today's newest part (a restarted gateway appends), else start the day's first file.
      const today = listLogFiles(this.#dir).filter((f) => f.date === date);
      this.#part = today.length > 0 ? today[today.length - 1]!.part : 0;
    }
    this.#date = date;
    this.#name = logFileName(date, this.#part);
    const fd = openSync(join(this.#dir, this.#name), 'a', 0o600);
    try {
      const st = fstatSync(fd);
      // A file created by someone else's umask or copied in keeps no wider mode than ours.
      if ((st.mode & 0o777) !== 0o600) chmodSync(join(this.#dir, this.#name), 0o600);
      this.#size = st.size;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.#fd = fd;
    this.#dayStartMs = localMidnight(t);
    this.#dayEndMs = nextLocalMidnight(t);
    this.#othersBytes = pruneLogFiles(this.#dir, t, this.#name, this.#limits);
  }

  #closeFd(): void {
    if (this.#fd === undefined) return;
    try {
      closeSync(this.#fd);
    } catch {
      // Closing a broken descriptor: nothing more to do.
    }
    this.#fd = undefined;
  }
}
