import { intervalProblem } from '../util/duration.js';
import { agentConfigProblems } from './agent-problems.js';
import { channelConfigProblems } from './channel-problems.js';
import { effectiveGateway, isLoopbackHost, type Config } from './schema.js';

/** Rules that span keys; returns problems with key paths. */
export function semanticProblems(config: Config): string[] {
  const problems: string[] = [];
  const eff = effectiveGateway(config);
  if (eff.authMode === 'none' && !isLoopbackHost(eff.host)) {
    problems.push(`gateway.auth.mode: "none" is allowed only with a loopback bind (gateway.bind is "${eff.bind}")`);
  }
  problems.push(...agentConfigProblems(config));
  const heartbeat = config.agents?.defaults?.heartbeat?.every;
  const heartbeatProblem = heartbeat === undefined ? undefined : intervalProblem('agents.defaults.heartbeat.every', heartbeat);
  if (heartbeatProblem) problems.push(heartbeatProblem);
  problems.push(...channelConfigProblems(config));
  return problems;
}
