import { health, status, systemPresence, type ResultOf } from '../../protocol/methods/index.js';
import { PROTOCOL_VERSION } from '../../protocol/limits.js';
import { VERSION } from '../../version.js';
import { bindMethod, type BoundMethod } from '../handler.js';
import { presenceOf } from '../presence.js';

/** health: liveness in OpenClaw's shape; agents and channels arrive with later issues. */
const healthMethod = bindMethod(health, (_params, { gateway }) => {
  const started = Date.now();
  return {
    ok: true,
    ts: started,
    durationMs: Date.now() - started,
    channels: {},
    channelOrder: [],
    channelLabels: {},
    heartbeatSeconds: 0,
    defaultAgentId: 'main',
    agents: [{ agentId: 'main', isDefault: true, heartbeat: {}, sessions: { path: gateway.paths.dbPath, count: 0, recent: [] } }],
    sessions: { path: gateway.paths.dbPath, count: 0, recent: [] },
  };
});

/** status: what an operator needs to see the install at a glance; paths only for admins. */
const statusMethod = bindMethod(status, (_params, { gateway, session }) => {
  const now = Date.now();
  const token = gateway.gatewayToken;
  const result: ResultOf<typeof status> = {
    ok: true,
    version: VERSION,
    protocol: PROTOCOL_VERSION,
    pid: process.pid,
    startedAtMs: gateway.startedAtMs,
    uptimeMs: now - gateway.startedAtMs,
    bind: { mode: gateway.config.bind, host: gateway.config.host, port: gateway.port() },
    auth: {
      mode: gateway.config.authMode,
      token: token.secret ? { source: token.source, fingerprint: token.secret.fingerprint } : { source: token.source },
    },
    devices: { paired: gateway.store.devices.count(), pending: gateway.store.pending.count(now) },
    connections: [...gateway.connections].filter((c) => c.session).length,
    stateDirId: gateway.stateDirId,
  };
  if (session.scopes.includes('operator.admin')) {
    result.stateDir = gateway.paths.stateDir;
    result.configPath = gateway.paths.configPath;
  }
  return result;
});

const presenceMethod = bindMethod(systemPresence, (_params, { gateway }) => presenceOf(gateway.connections));

export const GATEWAY_INFO_METHODS: readonly BoundMethod[] = [healthMethod, statusMethod, presenceMethod];
