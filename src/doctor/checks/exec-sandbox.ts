import { homedir } from 'node:os';
import { resolveAgents } from '../../agents/agent-config.js';
import { assertWorkspaceBindable } from '../../agents/tools/exec/bwrap-args.js';
import { describeSandbox } from '../../agents/tools/exec/sandbox.js';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import type { DoctorCheck, DraftFinding } from '../types.js';
import { finding } from '../types.js';

/**
 * exec-sandbox: where exec runs commands under tools.exec.sandbox (bubblewrap or the host, and why), probing
 * bwrap once as the gateway does; and, when the sandbox is in force, that no agent's workspace would show
 * the state dir or home. Runs no command of the agent's.
 */
export const execSandbox: DoctorCheck = {
  id: 'exec-sandbox',
  async run(ctx) {
    const view = ctx.config();
    if (view.error) return { summary: 'config unreadable (see config-valid)', findings: [] };
    const agents = resolveAgents(view.config, ctx.env, ctx.paths.stateDir);
    const exec = agents.tools.exec;
    const report = await describeSandbox(exec, ctx.env.PATH ?? process.env.PATH ?? '');
    const findings: DraftFinding[] = [];
    const net = exec.network ? 'network allowed (tools.exec.network)' : 'no network';
    if (report.mode === 'bubblewrap') {
      findings.push(finding('exec-sandbox-bubblewrap', 'info', `commands run under bubblewrap: only the workspace is writable, ${net}, the state dir and home are not visible`));
    } else if (report.mode === 'host' && report.setting === 'off') {
      findings.push(finding('exec-sandbox-off', 'info', 'tools.exec.sandbox is off: commands run on the host as the gateway user, with access to everything it can read', 'clawgate config set tools.exec.sandbox auto (sandboxes commands when bubblewrap works)'));
    } else if (report.mode === 'host') {
      findings.push(finding('exec-sandbox-missing', 'warn', `tools.exec.sandbox is auto but ${report.reason}`, report.fix));
    } else {
      findings.push(finding('exec-sandbox-unavailable', 'error', `tools.exec.sandbox is bubblewrap but ${report.reason}`, report.fix));
    }
    if (report.mode === 'bubblewrap') {
      for (const a of agents.agents) {
        try {
          assertWorkspaceBindable(a.workspace, [ctx.paths.stateDir, homedir()]);
        } catch (err) {
          if (!(err instanceof ClawgateError)) throw err;
          findings.push(finding('exec-workspace-unsafe', 'error', `agent ${a.id}: ${err.message}`, 'give the agent a workspace of its own: clawgate config set agents.defaults.workspace ~/clawgate-workspace'));
        }
      }
    }
    const where = report.mode === 'bubblewrap' ? `under bubblewrap (${net})` : report.mode === 'host' ? 'on the host' : 'nowhere (sandbox required but unusable)';
    return { summary: `tools.exec.sandbox ${report.setting}: commands run ${where}`, findings };
  },
};
