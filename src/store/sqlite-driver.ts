import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The SQLite driver, chosen once per process by the Node version.
 *
 * better-sqlite3 12 is the last line that runs on Node 20, and on Node 24 it aborts the process when the garbage
 * collector finalizes a database inside the test runner (`Database::~Database` removes an environment cleanup hook
 * from a null environment). better-sqlite3 13 is built on N-API and fixes that, but needs Node 22 or later (on 20
 * its prebuilt binary crashes). Both are installed, 13 under the alias `better-sqlite3-13`; their APIs are the same.
 */
type Driver = typeof BetterSqlite3;

/** The first Node major that loads better-sqlite3 13. */
export const NAPI_DRIVER_FROM_NODE = 22;

const require = createRequire(import.meta.url);

function nodeMajor(): number {
  return Number(process.versions.node.split('.')[0]);
}

function loadDriver(): { driver: Driver; name: string } {
  if (nodeMajor() >= NAPI_DRIVER_FROM_NODE) {
    try {
      return { driver: require('better-sqlite3-13') as Driver, name: 'better-sqlite3-13' };
    } catch (err) {
      // An install without optional dependencies has only 12, which works here outside the test runner.
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    }
  }
  return { driver: require('better-sqlite3') as Driver, name: 'better-sqlite3' };
}

const loaded = loadDriver();

/** Which package the driver came from (for `doctor` and bug reports). */
export const SQLITE_DRIVER_PACKAGE = loaded.name;

/** better-sqlite3's Database class, from the package this Node version runs. */
const Database: Driver = loaded.driver;
// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace Database {
  /** An open database handle. */
  type Database = BetterSqlite3.Database;
}
export default Database;
