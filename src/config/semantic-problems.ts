import { isIP } from 'node:net';
import { intervalProblem } from '../util/duration.js';
import { agentConfigProblems } from './agent-problems.js';
import { channelConfigProblems } from './channel-problems.js';
import { effectiveGateway, isLoopbackHost, type Config } from './schema.js';

/** Named bind modes; anything else must be an IP literal (a host name would be resolved at listen time, or fail there). */
const BIND_MODES = new Set(['loopback', 'lan']);

/** gateway.bind is `loopback`, `lan` or an IPv4/IPv6 literal: checked here, so a typo is a config problem, not a listen failure. */
function bindProblem(bind: string | undefined): string | undefined {
  if (bind === undefined || BIND_MODES.has(bind) || isIP(bind) !== 0) return undefined;
  const hint = /^\[.*\]$/.test(bind) ? ` (write an IPv6 address without brackets: ${bind.slice(1, -1)})` : '';
  return `gateway.bind: "${bind}" is not loopback, lan or an IP address (such as 127.0.0.1, 0.0.0.0, ::1, 192.168.1.20)${hint}`;
}

/** Rules that span keys; returns problems with key paths. */
export function semanticProblems(config: Config): string[] {
  const problems: string[] = [];
  const bind = bindProblem(config.gateway?.bind);
  if (bind) problems.push(bind);
  const eff = effectiveGateway(config);
  // Whether an invalid bind is loopback is unknowable: its own problem says all there is to say.
  if (!bind && eff.authMode === 'none' && !isLoopbackHost(eff.host)) {
    problems.push(`gateway.auth.mode: "none" is allowed only with a loopback bind (gateway.bind is "${eff.bind}")`);
  }
  problems.push(...agentConfigProblems(config));
  const heartbeat = config.agents?.defaults?.heartbeat?.every;
  const heartbeatProblem = heartbeat === undefined ? undefined : intervalProblem('agents.defaults.heartbeat.every', heartbeat);
  if (heartbeatProblem) problems.push(heartbeatProblem);
  problems.push(...channelConfigProblems(config));
  return problems;
}
