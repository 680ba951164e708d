import { describeSandbox, type SandboxReport } from '../../agents/tools/exec/sandbox.js';
import { health, status, systemPresence, type ResultOf } from '../../protocol/methods/index.js';
import { PROTOCOL_VERSION } from '../../protocol/limits.js';
import { VERSION } from '../../version.js';
import type { GatewayContext } from '../context.js';
import { implement, type MethodImpl } from '../../protocol/methods/define.js';
import { presenceOf } from '../presence.js';

/** Sessions listed per agent in health's `recent`. */
const HEALTH_RECENT_SESSIONS = 10;

/** How long health reuses its sessions summary: health is polled often, and the summary takes four queries. */
const HEALTH_SESSIONS_CACHE_MS = 1000;

type HealthSessions = Pick<ResultOf<typeof health>, 'agents' | 'sessions' | 'defaultAgentId'>;
const healthCache = new WeakMap<GatewayContext, { atMs: number; value: HealthSessions }>();

/** Each agent's session count and most recent sessions, and the same for all sessions. */
function healthSessions(gateway: GatewayContext, now: number): HealthSessions {
  const cached = healthCache.get(gateway);
  if (cached && now - cached.atMs < HEALTH_SESSIONS_CACHE_MS) return cached.value;
  const path = gateway.paths.dbPath;
  const recent = (rows: { key: string; updatedAtMs: number }[]) => rows.map((r) => ({ key: r.key, updatedAt: r.updatedAtMs }));
  const counts = gateway.store.sessions.countByAgent();
  const agents = gateway.agents.agents().map((a) => ({
    agentId: a.id,
    ...(a.name ? { name: a.name } : {}),
    isDefault: a.isDefault,
    heartbeat: {},
    sessions: { path, count: counts.get(a.id) ?? 0, recent: recent(gateway.store.sessions.recent(a.id, HEALTH_RECENT_SESSIONS)) },
  }));
  const value: HealthSessions = {
    defaultAgentId: gateway.agents.defaultAgentId(),
    agents,
    sessions: { path, count: [...counts.values()].reduce((a, b) => a + b, 0), recent: recent(gateway.store.sessions.recent(undefined, HEALTH_RECENT_SESSIONS)) },
  };
  healthCache.set(gateway, { atMs: now, value });
  return value;
}

/** health: liveness in OpenClaw's shape, with each agent's sessions (at most a second old). */
const healthMethod = (gateway: GatewayContext): MethodImpl => implement(health, () => {
  const started = Date.now();
  return {
    ok: true,
    ts: started,
    channels: {},
    channelOrder: [],
    channelLabels: {},
    heartbeatSeconds: 0,
    ...healthSessions(gateway, started),
    durationMs: Date.now() - started,
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

/** Sessions listed in status's `recent`. */
const STATUS_RECENT_SESSIONS = 5;

/** The sessions part of status, in OpenClaw's shape (its TUI's /status reads it). */
function sessionsStatus(gateway: GatewayContext, now: number, admin: boolean): NonNullable<ResultOf<typeof status>['sessions']> {
  const rt = gateway.agents;
  const recent = rt.sessions({ limit: STATUS_RECENT_SESSIONS }).map((s) => ({
    key: s.key,
    agentId: s.agentId,
    kind: s.kind,
    updatedAt: s.updatedAtMs,
    age: Math.max(0, now - s.updatedAtMs),
    ...(s.effectiveModel ? { model: s.effectiveModel } : {}),
    ...(s.usage ? { inputTokens: s.usage.inputTokens, outputTokens: s.usage.outputTokens, totalTokens: s.usage.lastCallTokens } : {}),
    ...(s.contextTokens ? { contextTokens: s.contextTokens } : {}),
  }));
  return { paths: admin ? [gateway.paths.dbPath] : [], defaults: rt.sessionDefaults(), count: gateway.store.sessions.count(), recent };
}

/** The exec guard in force and where commands run now (the sandbox probe runs once, then is cached). */
async function execStatus(gateway: GatewayContext): Promise<{ security: string; ask: string; sandbox: SandboxReport }> {
  const exec = gateway.agents.toolSettings().exec;
  return { security: exec.security, ask: exec.ask, sandbox: await describeSandbox(exec) };
}

/** status: what an operator needs to see the install at a glance; paths only for admins. */
const statusMethod = (gateway: GatewayContext): MethodImpl => implement(status, async (_params, { caller }) => {
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
  result.agents = { ...agentsStatus(gateway), exec: await execStatus(gateway) };
  result.channels = gateway.channels.status();
  result.sessions = sessionsStatus(gateway, now, caller.scopes.includes('operator.admin'));
  if (caller.scopes.includes('operator.admin')) {
    result.stateDir = gateway.paths.stateDir;
    result.configPath = gateway.paths.configPath;
  }
  return result;
});

/** health, status, system-presence: the gateway's own view of itself. */
export function gatewayInfoMethods(gateway: GatewayContext): readonly MethodImpl[] {
  return [healthMethod(gateway), statusMethod(gateway), implement(systemPresence, () => presenceOf(gateway.connections))];
}
