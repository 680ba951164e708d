import { rmSync } from 'node:fs';
import { after, before } from 'node:test';
import { Secret } from '../../src/auth/secret.js';
import { statePathsOf } from '../../src/config/paths.js';
import { effectiveGateway, type Config } from '../../src/config/schema.js';
import { startGatewayServer, type GatewayServer, type GatewayServerOptions } from '../../src/gateway/server.js';
import { Store } from '../../src/store/store.js';
import { makeStateDir, randomToken } from './gateway-process.js';

export interface InProcessGateway extends GatewayServer {
  url: string;
  token: string | undefined;
  store: Store;
  stateDir: string;
}

/** A gateway in this process on port 0, with a real SQLite store in a temp state dir. */
export async function startInProcess(opts: { config?: Config; token?: string | null; server?: Pick<GatewayServerOptions, 'log' | 'maxConnections' | 'connectionLogWindowMs'> } = {}): Promise<InProcessGateway> {
  const token = opts.token === null ? undefined : (opts.token ?? randomToken());
  const stateDir = makeStateDir();
  const paths = statePathsOf(stateDir);
  const store = Store.open(paths.dbPath);
  const config = { ...effectiveGateway(opts.config ?? {}), port: 0 };
  const server = await startGatewayServer({ ...opts.server, store, paths, config, gatewayToken: token ? { secret: new Secret(token), source: 'config' } : { secret: undefined, source: 'none' } });
  return {
    ...server,
    url: `ws://127.0.0.1:${server.port}`,
    token,
    store,
    stateDir,
    async close() {
      await server.close();
      store.close();
    },
  };
}

/** One in-process gateway for a whole suite (started before, closed and its state dir removed after); read it through the getter. */
export function useInProcessGateway(opts: Parameters<typeof startInProcess>[0] = {}): () => InProcessGateway {
  let gw: InProcessGateway | undefined;
  before(async () => {
    gw = await startInProcess(opts);
  });
  after(async () => {
    await gw?.close();
    if (gw) rmSync(gw.stateDir, { recursive: true, force: true });
  });
  return () => {
    if (!gw) throw new Error('the suite gateway is not started yet');
    return gw;
  };
}
