import { mkdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClawgateError } from '../protocol/error-catalogue.js';

export const STATE_DIR_ENV = 'CLAWGATE_STATE_DIR';
const PROFILE_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Every file of one install, derived from its state dir. */
export interface StatePaths {
  readonly stateDir: string;
  readonly configPath: string;
  readonly dbPath: string;
  readonly identityDir: string;
  readonly identityPath: string;
  readonly tokenCachePath: string;
  readonly logsDir: string;
  readonly lockPath: string;
}

export interface StateDirInputs {
  profile?: string | undefined;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/**
 * The one function that resolves the state dir: `--profile NAME` (~/.clawgate-NAME), then
 * CLAWGATE_STATE_DIR, then ~/.clawgate. Created 0700 if missing, then resolved to a real path.
 */
export function resolveStatePaths(inputs: StateDirInputs = {}): StatePaths {
  const env = inputs.env ?? process.env;
  const home = inputs.home ?? homedir();
  let dir: string;
  if (inputs.profile !== undefined) {
    if (!PROFILE_RE.test(inputs.profile)) {
      throw new ClawgateError('USAGE', `invalid profile name "${inputs.profile}": use letters, digits, - and _`);
    }
    dir = join(home, `.clawgate-${inputs.profile}`);
  } else if (env[STATE_DIR_ENV]?.trim()) {
    dir = resolve(env[STATE_DIR_ENV]!.trim());
  } else {
    dir = join(home, '.clawgate');
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    dir = realpathSync(dir);
  } catch (err) {
    throw new ClawgateError('STATE_DIR_INVALID', `cannot use state dir ${dir}: ${(err as Error).message}`, { stateDir: dir });
  }
  return statePathsOf(dir);
}

/** Paths inside an already resolved state dir. */
export function statePathsOf(stateDir: string): StatePaths {
  const identityDir = join(stateDir, 'identity');
  return {
    stateDir,
    configPath: join(stateDir, 'clawgate.json'),
    dbPath: join(stateDir, 'state.db'),
    identityDir,
    identityPath: join(identityDir, 'device.json'),
    tokenCachePath: join(identityDir, 'device-auth.json'),
    logsDir: join(stateDir, 'logs'),
    lockPath: join(stateDir, 'gateway.lock'),
  };
}
