import type { Command } from 'commander';
import { tokenSourceFix } from '../../auth/gateway-token.js';
import { fingerprintOf } from '../../auth/secret.js';
import { loadOrCreateIdentity } from '../../client/identity.js';
import { TokenCache } from '../../client/token-cache.js';
import { stateDirIdOf } from '../../util/state-dir-id.js';
import { inert, MAX_DISPLAY_NAME_CHARS, MAX_DISPLAY_TEXT_CHARS } from '../../protocol/display-text.js';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import type { ResultOf } from '../../protocol/methods/index.js';
import type { CliContext } from '../context.js';
import { callGateway } from '../gateway-call.js';
import { resolveTarget } from '../gateway-target.js';
import { duration } from '../table.js';
import { probeHealthz } from '../../service/probe.js';
import { status } from '../../protocol/methods/gateway-info.js';

interface Finding {
  id: string;
  message: string;
  fix: string;
}

/** `clawgate status`: the gateway as it answers, this CLI as it would connect, and where they disagree. */
export function register(program: Command, ctx: () => CliContext): void {
  program
    .command('status')
    .description('show the gateway and this CLI: version, uptime, bind, token provenance, devices')
    .option('--json', 'print a stable JSON document')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const target = resolveTarget(c);
      const identity = loadOrCreateIdentity(c.paths.identityPath);
      const cached = new TokenCache(c.paths.tokenCachePath, identity.deviceId).get('operator');
      const cli = {
        stateDir: c.paths.stateDir,
        configPath: c.paths.configPath,
        stateDirId: stateDirIdOf(c.paths.stateDir),
        deviceId: identity.deviceId,
        token: target.token.secret ? { source: target.token.source, fingerprint: target.token.secret.fingerprint } : { source: target.token.source },
        ...(cached ? { cachedDeviceToken: { fingerprint: fingerprintOf(cached.token), scopes: cached.scopes } } : {}),
      };
      let gateway: ResultOf<typeof status> | undefined;
      let error: ClawgateError | undefined;
      try {
        gateway = await callGateway(c, status);
      } catch (err) {
        if (!(err instanceof ClawgateError)) throw err;
        error = err;
      }
      // Refused (e.g. a wrong token)? On this host /healthz still tells the gateway's token provenance and
      // state dir, so the drift can be named instead of only failing.
      const probe = !gateway && error?.kind !== 'unreachable' && target.local ? await probeHealthz(target.port) : undefined;
      const gatewayAuth = gateway?.auth ?? probe?.auth;
      const gatewayStateDirId = gateway?.stateDirId ?? probe?.stateDirId;
      const findings: Finding[] = [];
      const theirs = gatewayAuth?.token.fingerprint;
      const ours = cli.token.fingerprint;
      if (gatewayAuth && theirs && ours && theirs !== ours) {
        findings.push({
          id: 'gateway-token-drift',
          message: `the gateway uses token ${theirs} (from ${gatewayAuth.token.source}) but this CLI would send ${ours} (from ${cli.token.source})`,
          fix: tokenSourceFix(target.token.source, c.paths.configPath),
        });
      }
      for (const p of gateway?.agents?.providers ?? []) {
        findings.push({ id: `provider-${p.state}`, message: `model provider ${p.id}: ${p.state}${p.errorClass ? ` (${p.errorClass})` : ''}${p.untilMs ? ` until ${new Date(p.untilMs).toISOString()}` : ''}${p.detail ? `; ${p.detail}` : ''}`, fix: p.fix ?? `clawgate models status; clawgate models reset ${p.id}` });
      }
      const sandbox = gateway?.agents?.exec?.sandbox;
      if (sandbox && (sandbox.mode === 'unavailable' || (sandbox.mode === 'host' && sandbox.setting === 'auto'))) {
        findings.push({ id: `exec-sandbox-${sandbox.mode === 'host' ? 'missing' : 'unavailable'}`, message: `commands the agent runs ${sandbox.mode === 'host' ? 'are not sandboxed' : 'are refused'}: ${sandbox.reason}`, fix: sandbox.fix ?? 'clawgate doctor' });
      }
      for (const ch of gateway?.channels ?? []) {
        if (ch.state === 'failed' || ch.state === 'conflict') {
          findings.push({ id: `channel-${ch.state}`, message: `${ch.channel} channel ${ch.state}${ch.lastError ? `: ${ch.lastError}` : ''}`, fix: ch.fix ?? `clawgate channels status; see docs/${ch.channel}.md` });
        }
      }
      if (gatewayStateDirId && gatewayStateDirId !== cli.stateDirId && target.local) {
        findings.push({ id: 'state-dir-mismatch', message: `this CLI looks at ${cli.stateDir}, the gateway owns another state dir (id ${gatewayStateDirId})`, fix: 'run with the gateway\'s CLAWGATE_STATE_DIR or --profile' });
      }
      const doc = {
        reachable: gateway !== undefined || (error !== undefined && error.kind !== 'unreachable'),
        url: target.url,
        ...(error ? { error: { code: error.code, message: error.message } } : {}),
        ...(gateway ? { gateway } : {}),
        ...(!gateway && gatewayAuth ? { gatewayAuth } : {}),
        cli,
        findings,
      };
      if (error) c.failure = error;
      if (opts.json || c.json) {
        c.printJson(doc);
        return;
      }
      const lines: string[] = [];
      if (gateway) {
        lines.push(`Gateway     reachable at ${target.url}`);
        lines.push(`  version   ${gateway.version} (protocol ${gateway.protocol}), pid ${gateway.pid}, up ${duration(gateway.uptimeMs)}`);
        lines.push(`  bind      ${gateway.bind.mode} (${gateway.bind.host}:${gateway.bind.port})`);
        if (gateway.stateDir) lines.push(`  state dir ${gateway.stateDir}`);
        if (gateway.configPath) lines.push(`  config    ${gateway.configPath}`);
        lines.push(`  auth      ${gateway.auth.mode}; token from ${gateway.auth.token.source}${gateway.auth.token.fingerprint ? ` (${gateway.auth.token.fingerprint})` : ''}`);
        lines.push(`  devices   ${gateway.devices.paired} paired, ${gateway.devices.pending} pending; ${gateway.connections} connected`);
        if (gateway.agents) {
          lines.push(`  agents    ${gateway.agents.sessions} sessions, ${gateway.agents.activeRuns} runs active`);
          const x = gateway.agents.exec;
          if (x) lines.push(`  exec      security ${x.security}, ask ${x.ask}; ${x.sandbox.mode === 'bubblewrap' ? 'sandboxed by bubblewrap' : x.sandbox.mode === 'host' ? 'runs on the host (no sandbox)' : 'refused: the sandbox is unavailable'} (tools.exec.sandbox ${x.sandbox.setting})`);
          const f = gateway.agents.lastFailure;
          if (f) lines.push(`  last failed run ${duration(Date.now() - f.atMs)} ago in ${inert(f.sessionKey, MAX_DISPLAY_TEXT_CHARS)}: ${f.code}: ${inert(f.message, MAX_DISPLAY_TEXT_CHARS)}`);
        }
        const configured = (gateway.channels ?? []).filter((ch) => ch.configured);
        if (configured.length > 0) {
          lines.push(`  channels  ${configured.map((ch) => `${ch.channel} ${ch.state}${ch.account ? ` (${inert(ch.account, MAX_DISPLAY_NAME_CHARS)})` : ''}${ch.pendingPairings ? `, ${ch.pendingPairings} pairing code${ch.pendingPairings === 1 ? '' : 's'} pending` : ''}`).join('; ')}`);
        }
      } else {
        lines.push(`Gateway     ${doc.reachable ? 'refused this CLI' : 'not reachable'} at ${target.url}: ${error?.message}`);
        if (gatewayAuth) lines.push(`  auth      ${gatewayAuth.mode}; token from ${gatewayAuth.token.source}${gatewayAuth.token.fingerprint ? ` (${gatewayAuth.token.fingerprint})` : ''}`);
      }
      lines.push(`This CLI`);
      lines.push(`  state dir ${cli.stateDir}`);
      lines.push(`  config    ${cli.configPath}`);
      lines.push(`  token     from ${cli.token.source}${cli.token.fingerprint ? ` (${cli.token.fingerprint})` : ''}`);
      lines.push(`  device    ${cli.deviceId.slice(0, 16)}…${cached ? `, cached device token ${fingerprintOf(cached.token)}` : ', no cached device token'}`);
      // Findings quote what the gateway relayed (a provider's detail, Telegram's last error): inert on screen.
      for (const f of findings) lines.push(`Finding ${inert(f.id, MAX_DISPLAY_NAME_CHARS)}: ${inert(f.message, MAX_DISPLAY_TEXT_CHARS)}\n  fix: ${inert(f.fix, MAX_DISPLAY_TEXT_CHARS)}`);
      if (gateway && findings.length === 0) lines.push('No findings.');
      c.io.out(lines.join('\n'));
    });
}
