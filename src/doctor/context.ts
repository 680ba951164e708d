import { existsSync, readFileSync } from 'node:fs';
import { resolveGatewayToken, type ResolvedToken } from '../auth/gateway-token.js';
import { TokenCache, type CachedToken } from '../client/token-cache.js';
import { loadConfig } from '../config/load.js';
import type { StatePaths } from '../config/paths.js';
import { effectiveGateway, type Config, type EffectiveGatewayConfig } from '../config/schema.js';
import { ownerAlive, readLock, type LockInfo } from '../util/gateway-lock.js';
import { stateDirIdOf } from '../util/state-dir-id.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import type { ResultOf } from '../protocol/methods/index.js';
import type { status } from '../protocol/methods/gateway-info.js';
import { probeEndpoint, type HealthzProbe } from '../service/probe.js';

/** The gateway's `status` answer. */
export type GatewayStatus = ResultOf<typeof status>;

/** Whether doctor could ask the gateway for its status, and what it said or why not. */
export type StatusProbe =
  | { state: 'ok'; status: GatewayStatus }
  | { state: 'skipped'; reason: string }
  | { state: 'failed'; error: ClawgateError };

/** What doctor is given: the state dir, this CLI's environment and flag, and a way to call `status`. */
export interface DoctorOptions {
  paths: StatePaths;
  env: NodeJS.ProcessEnv;
  tokenFlag?: string | undefined;
  /** Calls `status` on the local gateway as this CLI (short timeout); the CLI injects callGateway. */
  statusRpc?: ((port: number, token: ResolvedToken) => Promise<GatewayStatus>) | undefined;
  now?: () => number;
}

/** The config as doctor sees it: parsed, or the error that config-valid reports. */
export interface ConfigView {
  config: Config;
  exists: boolean;
  error?: ClawgateError | undefined;
}

/** This host's device id from identity/device.json, without creating the file. */
function readDeviceId(identityPath: string): string | undefined {
  if (!existsSync(identityPath)) return undefined;
  try {
    const id = (JSON.parse(readFileSync(identityPath, 'utf8')) as { deviceId?: unknown }).deviceId;
    return typeof id === 'string' && /^[0-9a-f]{64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Shared, memoized facts for one doctor run, so concurrent checks probe the gateway once. */
export class DoctorContext {
  readonly paths: StatePaths;
  readonly env: NodeJS.ProcessEnv;
  readonly stateDirId: string;
  readonly #opts: DoctorOptions;
  #config: ConfigView | undefined;
  #healthz: Promise<HealthzProbe> | undefined;
  #status: Promise<StatusProbe> | undefined;

  constructor(opts: DoctorOptions) {
    this.#opts = opts;
    this.paths = opts.paths;
    this.env = opts.env;
    this.stateDirId = stateDirIdOf(opts.paths.stateDir);
  }

  now(): number {
    return this.#opts.now?.() ?? Date.now();
  }

  config(): ConfigView {
    if (!this.#config) {
      try {
        const loaded = loadConfig(this.paths.configPath);
        this.#config = { config: loaded.config, exists: loaded.exists };
      } catch (err) {
        if (!(err instanceof ClawgateError)) throw err;
        this.#config = { config: {}, exists: true, error: err };
      }
    }
    return this.#config;
  }

  /** Effective gateway settings (defaults when the config is unreadable). */
  gateway(): EffectiveGatewayConfig {
    return effectiveGateway(this.config().config);
  }

  /** The gateway token this CLI would send, through the one resolver. */
  cliToken(): ResolvedToken {
    return resolveGatewayToken({ flag: this.#opts.tokenFlag, env: this.env, config: this.config().config.gateway?.auth?.token });
  }

  /** gateway.lock and whether its pid lives. */
  lock(): { exists: boolean; info: LockInfo | undefined; alive: boolean } {
    const exists = existsSync(this.paths.lockPath);
    const info = exists ? readLock(this.paths.lockPath) : undefined;
    return { exists, info, alive: info !== undefined && ownerAlive(info) };
  }

  /** The port our gateway uses: the live lock's, else the configured one. */
  port(): number {
    const lock = this.lock();
    return lock.alive && lock.info?.port ? lock.info.port : this.gateway().port;
  }

  /** Host to probe: loopback for loopback and lan binds, the address otherwise. */
  host(): string {
    const g = this.gateway();
    return g.bindMode === 'address' && g.host !== '::' ? g.host : '127.0.0.1';
  }

  deviceId(): string | undefined {
    return readDeviceId(this.paths.identityPath);
  }

  /** This CLI's cached operator token (held only in memory; print its fingerprint only). */
  cachedToken(): CachedToken | undefined {
    const id = this.deviceId();
    return id ? new TokenCache(this.paths.tokenCachePath, id).get('operator') : undefined;
  }

  healthz(): Promise<HealthzProbe> {
    this.#healthz ??= probeEndpoint(this.host(), this.port());
    return this.#healthz;
  }

  /** Ask our gateway for `status`, only when it is ours (never send a token to a foreign program) and asking changes nothing. */
  gatewayStatus(): Promise<StatusProbe> {
    this.#status ??= (async (): Promise<StatusProbe> => {
      const probe = await this.healthz();
      if (!probe.listening) return { state: 'skipped', reason: `no gateway listens on port ${this.port()}` };
      if (!probe.clawgate || probe.stateDirId !== this.stateDirId) return { state: 'skipped', reason: `the program on port ${this.port()} is not this state dir's gateway` };
      if (!this.#opts.statusRpc) return { state: 'skipped', reason: 'no RPC client' };
      const token = this.cliToken();
      if (this.gateway().authMode === 'token' && !token.secret && !this.cachedToken()) {
        return { state: 'skipped', reason: 'this CLI has no gateway token or device token; connecting would only create a pairing request' };
      }
      try {
        return { state: 'ok', status: await this.#opts.statusRpc(this.port(), token) };
      } catch (err) {
        if (err instanceof ClawgateError) return { state: 'failed', error: err };
        return { state: 'failed', error: new ClawgateError('INTERNAL', (err as Error).message) };
      }
    })();
    return this.#status;
  }
}
