import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import pino, { type Logger } from 'pino';
import type { ResolvedToken } from '../auth/gateway-token.js';
import { AuthRateLimiter } from '../auth/rate-limit.js';
import type { EffectiveGatewayConfig } from '../config/schema.js';
import type { StatePaths } from '../config/paths.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { eventFrameOf } from '../protocol/frames.js';
import { CLOSE_CODES } from '../protocol/events.js';
import { MAX_PAYLOAD_BYTES, TICK_INTERVAL_MS } from '../protocol/limits.js';
import type { Store } from '../store/store.js';
import { Broadcaster } from './broadcaster.js';
import type { Connection } from './connection-state.js';
import { handleConnection } from './connection.js';
import type { GatewayContext } from './context.js';
import { handleHttp } from './http-routes.js';
import { defaultConnectionCap } from './connection-cap.js';
import { ConnectionGuard, HTTP_DEADLINES } from './connection-guard.js';
import { STORE_WATCH_INTERVAL_MS } from './limits.js';
import { buildMethodTable } from '../rpc/method-table.js';
import { domainMethods } from '../rpc/domain-methods.js';
import { BootstrapCodes } from '../pairing/bootstrap-codes.js';
import { gatewayInfoMethods } from './methods/gateway-info.js';
import { stateDirIdOf } from '../util/state-dir-id.js';
import { StoreWatcher } from './store-watcher.js';
import { AgentRuntime } from '../agents/runtime.js';
import { ConfigSource } from '../agents/config-source.js';
import { createProvider } from '../agents/providers/provider-factory.js';
import type { Config } from '../config/schema.js';
import { createChannels } from '../channels/registry.js';
import { CronService } from '../cron/scheduler.js';
import { Heartbeat, heartbeatEveryMs } from '../cron/heartbeat.js';
import { MemoryIndexes } from '../agents/memory/memory-indexes.js';
import { channelMessagePort } from '../channels/message-targets.js';
import { agentCronPort } from '../cron/agent-cron-port.js';
import { ApprovalService } from '../approvals/approval-service.js';
import { approvalEffects } from '../approvals/approval-effects.js';
import { ProcessRegistry } from '../agents/tools/exec/process-registry.js';
import { homedir } from 'node:os';

export interface GatewayServerOptions {
  store: Store;
  paths: StatePaths;
  config: EffectiveGatewayConfig;
  gatewayToken: ResolvedToken;
  /** How to resolve the token again (run.ts passes the resolver with the start-up flag and env). */
  resolveToken?: () => ResolvedToken;
  log?: Logger;
  /** The config as loaded at start (agents and providers are re-read from the file when it changes). */
  fullConfig?: Config;
  /** Environment for provider keys given as {env: NAME} (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Most sockets held at once (default: below the process's file limit, see connection-cap.ts). */
  maxConnections?: number;
  /** Window of the connection-limit summary log line (default CONNECTION_LOG_WINDOW_MS). */
  connectionLogWindowMs?: number;
}

/** A listening gateway. */
export interface GatewayServer {
  readonly context: GatewayContext;
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/** Start HTTP + WebSocket on one port. Rejects with PORT_IN_USE when the port is taken. */
export async function startGatewayServer(opts: GatewayServerOptions): Promise<GatewayServer> {
  const log = opts.log ?? pino({ level: 'silent' });
  const connections = new Set<Connection>();
  const broadcaster = new Broadcaster(connections);
  const http: Server = createServer(HTTP_DEADLINES);
  // Silent and flooding strangers cannot take the sockets /healthz and the owner's clients need.
  const guard = new ConnectionGuard({ maxConnections: opts.maxConnections ?? defaultConnectionCap(), log, ...(opts.connectionLogWindowMs !== undefined ? { logWindowMs: opts.connectionLogWindowMs } : {}) });
  guard.attach(http);
  const safely = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'store watch failed');
    }
  };
  let boundPort = opts.config.port;
  const agentConfig = new ConfigSource(opts.paths.configPath, opts.env ?? process.env, log, opts.fullConfig);
  // exec's processes: no sandboxed command ever sees the state dir or the owner's home.
  const processes = new ProcessRegistry({ hidden: [opts.paths.stateDir, homedir()] });
  // Exec approvals: written events go out at once through the watcher (context is built below, before any run).
  const approvals = new ApprovalService({ store: opts.store, log, afterWrite: () => context.syncStore() });
  // Requests left pending by an earlier gateway end as expired, never allowed: nobody waits for them any more.
  approvals.expireLeftovers();
  // Announce delivery and the message tool go through the chat channels; an unconfigured channel fails with its cause.
  const deliver = (target: { channel: string; to: string }, text: string): Promise<void> => {
    return context.channels.deliver(target, text);
  };
  const memory = new MemoryIndexes(opts.paths.stateDir);
  const messages = channelMessagePort({ store: opts.store, config: opts.fullConfig, deliver });
  // The runtime's tools reach the scheduler built just after it (bound late: the scheduler needs the runtime).
  const services = { approvals, processes, memory, messages, cron: agentCronPort((): CronService => cron, messages) };
  const agents = new AgentRuntime({ store: opts.store, log, config: () => agentConfig.current(), createProvider, services });
  const cron = new CronService({ store: opts.store, runtime: agents, log, deliver });
  const heartbeatMs = heartbeatEveryMs(opts.fullConfig);
  const heartbeat = heartbeatMs !== undefined ? new Heartbeat({ store: opts.store, runtime: agents, log, everyMs: heartbeatMs }) : undefined;
  const channels = await createChannels(opts.fullConfig, { store: opts.store, runtime: agents, log, stateDir: opts.paths.stateDir, env: opts.env ?? process.env, approvals });
  const watcher = new StoreWatcher(opts.store, connections, broadcaster, channels, log, [approvalEffects(approvals)]);
  const context: GatewayContext = {
    store: opts.store,
    paths: opts.paths,
    config: opts.config,
    gatewayToken: opts.gatewayToken,
    startedAtMs: Date.now(),
    stateDirId: stateDirIdOf(opts.paths.stateDir),
    connections,
    broadcaster,
    log,
    agents,
    channels,
    cron,
    approvals,
    authLimiter: new AuthRateLimiter(),
    bootstrapCodes: new BootstrapCodes(),
    syncStore: () => safely(() => watcher.pollIfWrittenHere()),
    port: () => boundPort,
    reloadGatewayToken() {
      if (!opts.resolveToken) return context.gatewayToken;
      context.gatewayToken = opts.resolveToken();
      log.info({ source: context.gatewayToken.source, fingerprint: context.gatewayToken.secret?.fingerprint }, 'gateway token reloaded');
      return context.gatewayToken;
    },
  };
  const table = buildMethodTable([
    gatewayInfoMethods(context),
    ...domainMethods({
      store: opts.store,
      configPath: opts.paths.configPath,
      logsDir: opts.paths.logsDir,
      gatewayToken: { current: () => context.gatewayToken, reload: () => context.reloadGatewayToken() },
      agents,
      channels,
      cron,
      approvals,
      bootstrapCodes: context.bootstrapCodes,
    }),
  ]);
  // Run progress reaches operators who may read it; a slow reader loses deltas rather than growing memory.
  agents.subscribe((e) => broadcaster.broadcast(e.type, e.payload, { dropIfSlow: e.type === 'chat' && e.payload.state === 'delta' }));
  const wss = new WebSocketServer({ server: http, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false, clientTracking: false });
  wss.on('connection', (ws, req) => handleConnection(context, table, ws, req, () => guard.authenticated(req.socket)));
  wss.on('error', () => undefined);
  http.on('request', (req, res) => handleHttp(context, req, res));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      http.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new ClawgateError('PORT_IN_USE', `port ${opts.config.port} on ${opts.config.host} is already in use by another program; stop it, or start with --port <other>`, { port: opts.config.port }));
      } else {
        reject(new ClawgateError('CONFIG_INVALID', `cannot listen on ${opts.config.host}:${opts.config.port} (${err.code ?? err.message}); check gateway.bind and gateway.port`, { port: opts.config.port }));
      }
    };
    const onListening = () => {
      http.off('error', onError);
      resolve();
    };
    http.once('error', onError);
    http.once('listening', onListening);
    http.listen(opts.config.port, opts.config.host);
  });
  boundPort = (http.address() as AddressInfo).port;

  const tick = setInterval(() => broadcaster.broadcast('tick', { ts: Date.now() }, { dropIfSlow: true }), TICK_INTERVAL_MS);
  // Changes by other processes (the CLI acting on the store directly) are picked up here.
  const watch = setInterval(() => safely(() => watcher.poll()), STORE_WATCH_INTERVAL_MS);
  tick.unref();
  watch.unref();
  cron.start();
  heartbeat?.start();
  channels.start();

  return {
    context,
    port: boundPort,
    host: opts.config.host,
    async close() {
      clearInterval(tick);
      cron.stop();
      heartbeat?.stop();
      // Commands waiting for the owner end as not allowed (their requests expire, audited) while the store is open.
      approvals.close();
      // No new inbound messages; in-flight replies stop waiting; the poller lock is released.
      await channels.close();
      await agents.close();
      // Background commands live as long as the gateway, no longer.
      await processes.closeAll();
      // After the runs ended: no tool is searching any more.
      memory.close();
      // Runs the stop aborted are recorded (as aborted) before the store closes.
      await cron.settled();
      clearInterval(watch);
      const frame = JSON.stringify(eventFrameOf('shutdown', { reason: 'gateway stopping', restartExpectedMs: null }));
      for (const conn of connections) {
        if (conn.session && conn.ws.readyState === conn.ws.OPEN) conn.ws.send(frame);
        conn.ws.close(CLOSE_CODES.goingAway, 'gateway stopping');
      }
      await new Promise<void>((resolve) => {
        wss.close(() => resolve());
      });
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      guard.close();
    },
  };
}
