import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic, type BeforeRename } from '../util/atomic-write.js';

/** One cached device token, as in identity/device-auth.json. */
export interface CachedToken {
  token: string;
  role: string;
  scopes: string[];
  updatedAtMs: number;
}

interface CacheFile {
  version: 1;
  deviceId: string;
  tokens: Record<string, CachedToken>;
}

/** Test hook: CLAWGATE_TEST_CRASH_AT=token-cache-write kills the process after the temp file is durable, before the rename. */
function crashHook(): BeforeRename | undefined {
  if (process.env['CLAWGATE_TEST_CRASH_AT'] !== 'token-cache-write') return undefined;
  return () => process.kill(process.pid, 'SIGKILL');
}

/**
 * The client's device-token cache. It is written only from hello-ok (or a self-rotation), atomically,
 * and never deleted by an error path: a stale token is harmless, a missing one can lock a client out.
 */
export class TokenCache {
  constructor(
    readonly path: string,
    readonly deviceId: string,
  ) {}

  #read(): CacheFile | undefined {
    if (!existsSync(this.path)) return undefined;
    try {
      const file = JSON.parse(readFileSync(this.path, 'utf8')) as CacheFile;
      if (file.version !== 1 || file.deviceId !== this.deviceId || typeof file.tokens !== 'object' || file.tokens === null) return undefined;
      return file;
    } catch {
      return undefined;
    }
  }

  /** The cached token for a role, if any. */
  get(role: string): CachedToken | undefined {
    const entry = this.#read()?.tokens[role];
    return entry && typeof entry.token === 'string' && entry.token.length > 0 ? entry : undefined;
  }

  /** Store a token for its role (temp file, fsync, rename, 0600). */
  put(entry: { token: string; role: string; scopes: readonly string[] }, nowMs = Date.now()): void {
    const file = this.#read() ?? { version: 1, deviceId: this.deviceId, tokens: {} };
    file.tokens[entry.role] = { token: entry.token, role: entry.role, scopes: [...entry.scopes].sort(), updatedAtMs: nowMs };
    writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`, crashHook());
  }
}
