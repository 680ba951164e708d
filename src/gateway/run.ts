import type { Logger } from 'pino';
import { resolveGatewayToken, type ResolvedToken } from '../auth/gateway-token.js';
import { mintToken } from '../auth/tokens.js';
import { Secret } from '../auth/secret.js';
import { tokenWeakness } from '../auth/token-strength.js';
import { loadConfig, writeConfig } from '../config/load.js';
import { setPath } from '../config/key-path.js';
import { effectiveGateway, type Config } from '../config/schema.js';
import { semanticProblems } from '../config/semantic-problems.js';
import type { StatePaths } from '../config/paths.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { Store } from '../store/store.js';
import { startGatewayServer, type GatewayServer } from './server.js';
import { acquireLock, type GatewayLock } from '../util/gateway-lock.js';
import { VERSION } from '../version.js';

/** Flags of `clawgate gateway run` that override config for this run only. */
export interface RunOptions {
  paths: StatePaths;
  port?: number | undefined;
  bind?: string | undefined;
  tokenFlag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** Told once when a token was generated (fingerprint only). */
  onTokenGenerated?: (fingerprint: string, configPath: string) => void;
}

/**
 * Load config, resolve the gateway token (generating and saving one on first start in token mode),
 * open the store and listen. Everything is checked before the port is bound.
 */
export async function runGateway(opts: RunOptions): Promise<GatewayServer> {
  // The lock comes before any write: a second gateway on this state dir changes nothing.
  const lock = acquireLock(opts.paths.lockPath, VERSION);
  try {
    return await startLocked(opts, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function startLocked(opts: RunOptions, lock: GatewayLock): Promise<GatewayServer> {
  const loaded = loadConfig(opts.paths.configPath);
  let config: Config = loaded.config;
  let effective = effectiveGateway(config);
  if (opts.port !== undefined) effective = { ...effective, port: opts.port };
  if (opts.bind !== undefined) {
    const overlay = effectiveGateway(setPath(config, 'gateway.bind', opts.bind));
    const problems = semanticProblems(setPath(config, 'gateway.bind', opts.bind));
    if (problems.length > 0) throw new ClawgateError('CONFIG_INVALID', problems.join('; '));
    effective = { ...overlay, port: effective.port };
  }
  let token: ResolvedToken = resolveGatewayToken({ flag: opts.tokenFlag, env: opts.env ?? process.env, config: config.gateway?.auth?.token });
  if (effective.authMode === 'token' && token.secret === undefined) {
    const generated = mintToken();
    config = setPath(config, 'gateway.auth.token', generated);
    writeConfig(opts.paths.configPath, config);
    token = { secret: new Secret(generated), source: 'config' };
    opts.onTokenGenerated?.(token.secret!.fingerprint, opts.paths.configPath);
  }
  const weakness = effective.authMode === 'token' && token.secret ? tokenWeakness(token.secret.reveal()) : undefined;
  if (weakness) {
    throw new ClawgateError(
      'GATEWAY_TOKEN_WEAK',
      `refusing to start: the gateway token from ${describeSource(token.source)} is unsafe (${weakness}); generate a new one with clawgate gateway token rotate${token.source === 'config' ? '' : `, or fix ${describeSource(token.source)}`}`,
      { source: token.source },
    );
  }
  const store = Store.open(opts.paths.dbPath);
  try {
    // A reload re-reads config through the same resolver and refuses a weak token like start-up does.
    const resolveToken = (): ResolvedToken => {
      const next = resolveGatewayToken({ flag: opts.tokenFlag, env: opts.env ?? process.env, config: loadConfig(opts.paths.configPath).config.gateway?.auth?.token });
      const problem = effective.authMode === 'token' && next.secret ? tokenWeakness(next.secret.reveal()) : effective.authMode === 'token' ? 'no token is configured' : undefined;
      if (problem) throw new ClawgateError('GATEWAY_TOKEN_WEAK', `keeping the current gateway token: the new one from ${describeSource(next.source)} is unusable (${problem})`, { source: next.source });
      return next;
    };
    const serverOpts = { store, paths: opts.paths, config: effective, fullConfig: config, gatewayToken: token, resolveToken, ...(opts.env ? { env: opts.env } : {}), ...(opts.log ? { log: opts.log } : {}) };
    const server = await startGatewayServer(serverOpts);
    lock.update(server.port);
    return {
      ...server,
      async close() {
        await server.close();
        store.close();
        lock.release();
      },
    };
  } catch (err) {
    store.close();
    throw err;
  }
}

function describeSource(source: string): string {
  return source === 'env' ? 'CLAWGATE_GATEWAY_TOKEN' : source === 'flag' ? '--token' : 'gateway.auth.token in config';
}
