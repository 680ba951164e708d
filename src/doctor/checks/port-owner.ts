import { listeningPidOf, processName } from '../proc-scan.js';
import type { DoctorCheck } from '../types.js';
import { finding } from '../types.js';

/** port-owner: is the gateway port listening, and by our gateway (same state dir id), another gateway, or a foreign program. */
export const portOwner: DoctorCheck = {
  id: 'port-owner',
  async run(ctx) {
    // With an unusable config the port and address are unknown: probing the defaults would blame whatever holds them.
    if (ctx.config().error && !ctx.lock().alive) return { summary: 'the config cannot be used (see config-valid), so the gateway address is unknown; not probed', findings: [] };
    const port = ctx.port();
    const probe = await ctx.healthz();
    const lock = ctx.lock();
    const owner = () => {
      const pid = probe.pid ?? listeningPidOf(port);
      if (pid === undefined) return '';
      const name = processName(pid);
      return ` (pid ${pid}${name ? `, ${name}` : ''})`;
    };
    if (!probe.listening) {
      if (lock.alive) {
        return { summary: `nothing listens on port ${port}`, findings: [finding('gateway-not-listening', 'error', `gateway pid ${lock.info!.pid} holds the lock but nothing listens on port ${port}`, 'clawgate gateway restart (or stop pid and start again)')] };
      }
      return { summary: `port ${port} is free; no gateway running`, findings: [] };
    }
    if (probe.clawgate && probe.stateDirId === ctx.stateDirId) {
      return { summary: `port ${port}: this state dir's gateway${owner()}, version ${probe.version ?? '?'}`, findings: [] };
    }
    const change = `stop that program, or give this install another port: clawgate config set gateway.port <port>`;
    if (probe.clawgate) {
      return { summary: `port ${port}: another install's gateway`, findings: [finding('port-other-gateway', 'error', `port ${port} is held by a Clawgate gateway of another state dir (id ${probe.stateDirId})${owner()}`, change)] };
    }
    return { summary: `port ${port}: a foreign program`, findings: [finding('port-foreign', 'error', `port ${port} is taken by another program${owner()}${probe.note ? `: it ${probe.note}` : ''}`, change)] };
  },
};
