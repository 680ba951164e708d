import { randomBytes } from 'node:crypto';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { inert } from '../protocol/display-text.js';
import { agentsList } from '../protocol/methods/agent.js';
import { devicePairApprove, devicePairList, devicePairReject } from '../protocol/methods/device-pair.js';
import { execApprovalList } from '../protocol/methods/exec-approvals.js';
import { status } from '../protocol/methods/gateway-info.js';
import { modelsList } from '../protocol/methods/models.js';
import { sessionsList, sessionsPatch, sessionsReset } from '../protocol/methods/sessions.js';
import { mainSessionKey } from '../protocol/session-key.js';
import type { TuiActions } from './actions.js';
import { helpText, type SlashName } from './slash-commands.js';

/** A session key the gateway does not know yet: it exists from its first message on. */
function notStarted(err: unknown): boolean {
  return err instanceof ClawgateError && err.code === 'UNKNOWN_SESSION';
}

function uptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 120 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

async function showStatus(app: TuiActions): Promise<void> {
  const s = await app.conn.call(status, undefined);
  const lines = [
    `gateway ${s.version} (protocol ${s.protocol}), pid ${s.pid}, up ${uptime(s.uptimeMs)}, bound to ${s.bind.host}:${s.bind.port}`,
    `auth ${s.auth.mode}; devices: ${s.devices.paired} paired, ${s.devices.pending} pending; ${s.connections} connection${s.connections === 1 ? '' : 's'}`,
  ];
  if (s.sessions) lines.push(`sessions: ${s.sessions.count}; default model ${s.sessions.defaults.model ?? '(none)'}`);
  if (s.agents) {
    lines.push(`runs going: ${s.agents.activeRuns}`);
    for (const p of s.agents.providers) lines.push(`provider ${p.id}: ${p.state}${p.detail ? ` (${p.detail})` : ''}${p.fix ? `; fix: ${p.fix}` : ''}`);
  }
  for (const c of s.channels ?? []) lines.push(`channel ${c.channel}: ${c.state}${c.fix ? `; fix: ${c.fix}` : ''}`);
  app.view.note(lines.join('\n'));
}

async function devices(app: TuiActions, args: string[]): Promise<void> {
  const [verb, id] = args;
  if (verb === 'approve' || verb === 'reject') {
    if (!id) throw new ClawgateError('USAGE', `/devices ${verb} takes a request id (or a unique prefix); /devices lists them`);
    if (verb === 'approve') {
      const r = await app.conn.call(devicePairApprove, { requestId: id });
      app.view.note(`approved ${inert(r.device.displayName ?? r.device.deviceId.slice(0, 12), 64)}: it is paired now`);
    } else {
      const r = await app.conn.call(devicePairReject, { requestId: id });
      app.view.note(`rejected the request of ${r.deviceId.slice(0, 12)}`);
    }
    app.state.pendingDevices = (await app.conn.call(devicePairList, undefined)).pending.length;
    return;
  }
  if (verb !== undefined) throw new ClawgateError('USAGE', `/devices takes approve ID or reject ID, not "${inert(verb, 32)}"`);
  const list = await app.conn.call(devicePairList, undefined);
  app.state.pendingDevices = list.pending.length;
  if (list.pending.length === 0) {
    app.view.note(`no device is waiting to pair (${list.paired.length} paired)`);
    return;
  }
  const picked = await app.pick(
    'Approve a device (Esc: none)',
    list.pending.map((p) => ({
      value: p.requestId,
      label: `${inert(p.displayName ?? p.deviceId.slice(0, 12), 64)}${p.platform ? ` (${inert(p.platform, 32)})` : ''}`,
      description: `${p.role ?? 'operator'} ${(p.scopes ?? []).join(' ')}${p.remoteIp ? ` from ${p.remoteIp}` : ''} · request ${p.requestId.slice(0, 8)}`,
    })),
  );
  if (picked !== undefined) await devices(app, ['approve', picked]);
}

async function approvals(app: TuiActions): Promise<void> {
  const r = await app.conn.call(execApprovalList, undefined);
  for (const a of r.pending) app.view.approvalRequested(a);
  app.view.note(r.pending.length === 0 ? 'no exec approval is waiting' : `${r.pending.length} approval${r.pending.length === 1 ? '' : 's'} waiting: y allows the oldest once, a always, n denies`);
}

async function pickOr(app: TuiActions, arg: string | undefined, title: string, load: () => Promise<{ value: string; label: string; description?: string }[]>): Promise<string | undefined> {
  if (arg !== undefined) return arg;
  return app.pick(title, await load());
}

/** Run one slash command. Errors are thrown with their code; the app shows them in the log. */
export async function runCommand(app: TuiActions, name: SlashName, args: string[]): Promise<void> {
  switch (name) {
    case 'help':
      app.view.note(helpText());
      return;
    case 'exit':
      app.exit(0);
      return;
    case 'abort':
      await app.abort();
      return;
    case 'status':
      await showStatus(app);
      return;
    case 'approvals':
      await approvals(app);
      return;
    case 'devices':
      await devices(app, args);
      return;
    case 'new': {
      const key = `agent:${app.state.agentId}:tui-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
      await app.switchSession(key);
      app.view.note(`new session ${key}`);
      return;
    }
    case 'reset': {
      const r = await app.conn.call(sessionsReset, { key: app.view.sessionKey, reason: 'tui' }).catch((err: unknown) => {
        if (notStarted(err)) return undefined;
        throw err;
      });
      if (!r) {
        app.view.note('nothing to reset: this session has no messages yet');
        return;
      }
      await app.reloadSession();
      app.view.note(`session reset: ${r.cleared} entr${r.cleared === 1 ? 'y' : 'ies'} cleared${r.aborted.length > 0 ? `, ${r.aborted.length} run(s) aborted` : ''}`);
      return;
    }
    case 'session': {
      const key = await pickOr(app, args[0], 'Switch session', async () =>
        (await app.conn.call(sessionsList, undefined)).sessions.map((s) => ({ value: s.key, label: s.key, description: `${s.messageCount} messages${s.label ? ` · ${inert(s.label, 64)}` : ''}` })),
      );
      if (key !== undefined) await app.switchSession(key);
      return;
    }
    case 'agent': {
      // One agents.list serves both the picker and the check of a typed id.
      const { agents } = await app.conn.call(agentsList, undefined);
      const id = await pickOr(app, args[0], 'Switch agent', async () => agents.map((a) => ({ value: a.id, label: a.id, ...(a.name ? { description: inert(a.name, 64) } : {}) })));
      if (id === undefined) return;
      if (!agents.some((a) => a.id === id)) throw new ClawgateError('UNKNOWN_AGENT', `no agent "${inert(id, 64)}": /agent without an id lists them`);
      await app.switchSession(mainSessionKey(id));
      return;
    }
    case 'model': {
      const ref = await pickOr(app, args[0], 'Model for this session', async () => (await app.conn.call(modelsList, undefined)).models.map((m) => ({ value: `${m.provider}/${m.id}`, label: `${m.provider}/${m.id}`, description: m.name })));
      if (ref === undefined) return;
      try {
        await app.conn.call(sessionsPatch, { key: app.view.sessionKey, model: ref });
      } catch (err) {
        if (notStarted(err)) throw new ClawgateError('UNKNOWN_SESSION', `this session has no messages yet, so it has no model to change: send a message first, then /model ${inert(ref, 120)}`);
        throw err;
      }
      await app.refreshFooter();
      app.view.note(`this session now uses ${inert(ref, 120)}`);
      return;
    }
  }
}
