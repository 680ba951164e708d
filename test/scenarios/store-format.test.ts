import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from '../../src/store/sqlite-driver.js';
import { EXIT_CODES } from '../../src/cli/main.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { CLI_BIN, makeStateDir, randomToken, startGateway } from '../helpers/gateway-process.js';
import { makeDevice, rawConnect } from '../helpers/raw-client.js';
import { cleanup, deviceRows, tempDir } from '../helpers/scenario-support.js';

// UM-STORE-FORMAT (scenarios.md F): corrupt or unreadable state (truncated database or config, wrong
// permissions, a store from a newer Clawgate): the gateway refuses to start with a precise error and the
// documented exit code (config 2, store 1: EXIT_CODES in src/cli/main.ts), and the file is left byte for
// byte as it was (never overwritten as if it were empty).
//
// Not covered: "a migration keeps a backup and every approval". There is one migration (schema 1); a
// store at version 0 is an empty file, so no backup is due. openDatabase writes state.db.v<N>.bak before
// migrating a store whose version is 1..N-1; test it when the second migration lands.

const dirs: string[] = [];
after(() => cleanup([], dirs));

/** Unprivileged user for the permissions case when the tests run as root (root reads any file). */
const NOBODY = 65534;
const RUN_TIMEOUT_MS = 15_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  listened: boolean;
}

/** `clawgate gateway run` on stateDir: expected to refuse; if it listens instead it is stopped and `listened` is set. */
function runGateway(stateDir: string, opts: { uid?: number } = {}): Promise<Run> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI_BIN, 'gateway', 'run'], {
      env: { ...process.env, CLAWGATE_STATE_DIR: stateDir, CLAWGATE_GATEWAY_TOKEN: '', CLAWGATE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    let listened = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!listened && /listening on/.test(stdout)) {
        listened = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr, listened });
    });
  });
}

/** A state dir whose config is valid, with a port nobody listens on. */
function stateDirWithConfig(): string {
  const dir = makeStateDir({ gateway: { port: 1 + (process.pid % 20_000) + 40_000, auth: { mode: 'token', token: randomToken() } } });
  dirs.push(dir);
  return dir;
}

/** Names in the state dir that start with `state.db` (SQLite side files, backups). */
const storeFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('state.db')).sort();

interface RefusalOptions {
  uid?: number;
  /** Damage applied after the snapshot (permissions), and undone before the comparison. */
  damage?: () => void;
  undo?: () => void;
}

/** Assert the gateway refused with `exit` and `message`, and `file` is byte-for-byte what it was. */
async function assertRefused(dir: string, file: string, exit: number, message: RegExp, opts: RefusalOptions = {}): Promise<Run> {
  const before = readFileSync(join(dir, file));
  const filesBefore = storeFiles(dir);
  opts.damage?.();
  let run: Run;
  try {
    run = await runGateway(dir, opts.uid !== undefined ? { uid: opts.uid } : {});
  } finally {
    opts.undo?.();
  }
  assert.equal(run.listened, false, `the gateway started on a bad ${file}:\n${run.stdout}`);
  assert.equal(run.code, exit, `exit code (stderr: ${run.stderr})`);
  assert.match(run.stderr, message);
  assert.ok(readFileSync(join(dir, file)).equals(before), `${file} is byte-for-byte unchanged`);
  assert.deepEqual(storeFiles(dir), filesBefore, 'no store file was created beside it (no -wal, -shm, -journal or empty store)');
  assert.equal(existsSync(join(dir, 'gateway.lock')), false, 'the lock is released on refusal');
  return run;
}

describe('UM-STORE-FORMAT: a damaged state.db', () => {
  let seeded: string;
  let paired: string[];

  before(async () => {
    // A real store with approvals in it, closed cleanly (no WAL left beside it).
    const gw = await startGateway();
    for (let i = 0; i < 3; i++) {
      const { ws, response } = await rawConnect(gw.url, { device: makeDevice(), auth: { token: gw.token! }, scopes: ['operator.read'] });
      assert.equal(response?.ok, true, JSON.stringify(response?.error));
      ws.close();
    }
    assert.equal(await gw.stop(), 0);
    seeded = gw.stateDir;
    dirs.push(seeded);
    assert.deepEqual(storeFiles(seeded), ['state.db'], 'a clean stop leaves no WAL beside the store');
    paired = deviceRows(seeded).map((d) => d.device_id);
    assert.equal(paired.length, 3);
  });

  const copyOfSeeded = (): string => {
    const dir = stateDirWithConfig();
    writeFileSync(join(dir, 'state.db'), readFileSync(join(seeded, 'state.db')), { mode: 0o600 });
    return dir;
  };

  test('UM-STORE-FORMAT: a truncated state.db is refused (exit 1) and left as it is', async () => {
    const dir = copyOfSeeded();
    const size = readFileSync(join(dir, 'state.db')).length;
    truncateSync(join(dir, 'state.db'), Math.floor(size / 2) + 100);
    await assertRefused(dir, 'state.db', EXIT_CODES.internal, /cannot open store .*state\.db: database disk image is malformed\. It was left untouched; restore it from a backup or move it aside/);
  });

  test('UM-STORE-FORMAT: a state.db that is not a database is refused (exit 1) and left as it is', async () => {
    const dir = stateDirWithConfig();
    writeFileSync(join(dir, 'state.db'), randomBytes(64 * 1024), { mode: 0o600 });
    await assertRefused(dir, 'state.db', EXIT_CODES.internal, /cannot open store .*state\.db: file is not a database\. It was left untouched/);
  });

  test('UM-STORE-FORMAT: a state.db the gateway user may not read (another owner, 0600) is refused (exit 1), naming the permissions', async () => {
    const dir = copyOfSeeded();
    // As root (where chmod cannot deny a read), the gateway runs as an unprivileged user who owns the state
    // dir but not state.db: the real case of a store created under sudo. As any other user, chmod 000.
    const db = join(dir, 'state.db');
    const asRoot = process.getuid?.() === 0;
    if (asRoot) for (const f of ['', 'clawgate.json']) chownSync(join(dir, f), NOBODY, NOBODY);
    const denied = /cannot open store .*state\.db: permission denied \(owner uid \d+, mode 0[0-7]{3}\); it was left untouched: run the gateway as the user that owns it/;
    await assertRefused(dir, 'state.db', EXIT_CODES.internal, denied, asRoot ? { uid: NOBODY } : { damage: () => chmodSync(db, 0o000), undo: () => chmodSync(db, 0o600) });
    assert.deepEqual(deviceRows(dir).map((d) => d.device_id), paired, 'every approval is still there once the permissions are fixed');
  });

  test('UM-STORE-FORMAT: a state.db that is a directory is refused (exit 1) and nothing is created in it', async () => {
    const dir = stateDirWithConfig();
    mkdirSync(join(dir, 'state.db'), { mode: 0o700 });
    const run = await runGateway(dir);
    assert.equal(run.listened, false);
    assert.equal(run.code, EXIT_CODES.internal, run.stderr);
    assert.match(run.stderr, /cannot open store .*state\.db: it is a directory, not a database file/);
    assert.deepEqual(readdirSync(join(dir, 'state.db')), []);
  });

  test('UM-STORE-FORMAT: a store from a newer Clawgate is refused with "upgrade Clawgate" and left untouched (its approvals too)', async () => {
    const dir = copyOfSeeded();
    const db = new Database(join(dir, 'state.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.deepEqual(storeFiles(dir), ['state.db']);
    await assertRefused(dir, 'state.db', EXIT_CODES.internal, new RegExp(`has schema version ${SCHEMA_VERSION + 1}, newer than this Clawgate understands \\(${SCHEMA_VERSION}\\); upgrade Clawgate`));
    assert.deepEqual(deviceRows(dir).map((d) => d.device_id), paired);
  });
});

describe('UM-STORE-FORMAT: a damaged clawgate.json', () => {
  const withConfigText = (text: string | Buffer): string => {
    const dir = tempDir('cg-state-');
    dirs.push(dir);
    writeFileSync(join(dir, 'clawgate.json'), text, { mode: 0o600 });
    return dir;
  };
  const valid = JSON.stringify({ gateway: { port: 40_999, auth: { mode: 'token', token: randomToken() } } }, null, 2);

  test('UM-STORE-FORMAT: a truncated config is refused (exit 2) naming the file, never replaced by defaults', async () => {
    const dir = withConfigText(valid.slice(0, Math.floor(valid.length / 2)));
    await assertRefused(dir, 'clawgate.json', EXIT_CODES.config, /config .*clawgate\.json is not valid JSON5 \(.+\); fix it or restore .*clawgate\.json\.bak/);
    assert.equal(existsSync(join(dir, 'state.db')), false, 'no store is created before the config is valid');
  });

  test('UM-STORE-FORMAT: a garbage config is refused (exit 2) and left as it is', async () => {
    const dir = withConfigText(Buffer.concat([Buffer.from('{'), randomBytes(4096)]));
    await assertRefused(dir, 'clawgate.json', EXIT_CODES.config, /config .*clawgate\.json is not valid JSON5/);
  });

  test('UM-STORE-FORMAT: a config with wrong types is refused (exit 2) naming each key path', async () => {
    const dir = withConfigText(JSON.stringify({ gateway: { port: 'eighteen', auth: { mode: 'token', token: 12345 } } }));
    const run = await assertRefused(dir, 'clawgate.json', EXIT_CODES.config, /config .*clawgate\.json is invalid: /);
    assert.match(run.stderr, /gateway\.port: /);
    assert.match(run.stderr, /gateway\.auth\.token: /);
    assert.equal(existsSync(join(dir, 'clawgate.json.bak')), false, 'no token was generated and written over it');
  });
});
