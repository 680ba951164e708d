import { health, status, systemPresence, type ResultOf } from '../../protocol/methods/index.js';
import { PROTOCOL_VERSION } from '../../protocol/limits.js';
import { VERSION } from '../../version.js';
import type { GatewayContext } from '../context.js';
import { bindMethod, type BoundMethod } from '../handler.js';
import { presenceOf } from '../presence.js';

/** Sessions listed per agent in health's `recent`. */
const HEALTH_RECENT_SESSIONS = 10;

/** health: liveness in OpenClaw's shape, with each agent's sessions (channels arrive with a later issue). */
const healthMethod = bindMethod(health, (_params, { gateway }) => {
  const started = Date.now();
  const path = gateway.paths.dbPath;
  const recent = (sessions: { key: string; updatedAtMs: number }[]) => sessions.slice(0, HEALTH_RECENT_SESSIONS).map((s) => ({ key: s.key, updatedAt: s.updatedAtMs }));
  const agents = gateway.agents.agents().map((a) => {
    const sessions = gateway.agents.sessions({ agentId: a.id });
    return { agentId: a.id, ...(a.name ? { name: a.name } : {}), isDefault: a.isDefault, heartbeat: {}, sessions: { path, count: sessions.length, recent: recent(sessions) } };
  });
  const all = gateway.agents.sessions({ limit: HEALTH_RECENT_SESSIONS });
  return {
    ok: true,
    ts: started,
    durationMs: Date.now() - started,
    channels: {},
    channelOrder: [],
    channelLabels: {},
    heartbeatSeconds: 0,
    defaultAgentId: agents.find((a) => a.isDefault)?.agentId ?? 'main',
    agents,
    sessions: { path, count: gateway.store.sessions.count(), recent: recent(all) },
  };
});

/** The agents part of status: session count, active runs, providers that are not ok, the last failed run. */
function agentsStatus(gateway: GatewayContext): NonNullable<ResultOf<typeof status>['agents']> {
  const rt = gateway.agents;
  const providers = rt
    .providerStatus()
    .filter((p) => p.state !== 'ok')
    .map((p) => ({ id: p.id, state: p.state, ...(p.errorClass ? { errorClass: p.errorClass } : {}), ...(p.untilMs !== undefined ? { untilMs: p.untilMs } : {}), ...(p.detail ? { detail: p.detail } : {}), ...(p.fix ? { fix: p.fix } : {}) }));
  const last = rt.recentFailures()[0];
  return {
    sessions: gateway.store.sessions.count(),
    activeRuns: rt.activeRunCount(),
    providers,
    ...(last
      ? { lastFailure: { atMs: last.atMs, runId: last.runId, sessionKey: last.sessionKey, code: last.error.code, message: last.error.message, ...(last.error.errorClass ? { errorClass: last.error.errorClass } : {}), ...(last.error.providerId ? { providerId: last.error.providerId } : {}) } }
      : {}),
  };
}

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
  result.agents = agentsStatus(gateway);
  result.channels = gateway.channels.status();
  if (session.scopes.includes('operator.admin')) {
    result.stateDir = gateway.paths.stateDir;
    result.configPath = gateway.paths.configPath;
  }
  return result;
});

const presenceMethod = bindMethod(systemPresence, (_params, { gateway }) => presenceOf(gateway.connections));

export const GATEWAY_INFO_METHODS: readonly BoundMethod[] = [healthMethod, statusMethod, presenceMethod];
