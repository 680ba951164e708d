import type { DoctorCheck } from '../types.js';
import { finding } from '../types.js';

/** Signatures are accepted within ±120 s; warn at half of that. */
export const CLOCK_SKEW_WARN_MS = 60_000;

/** clock: this host's clock against the gateway's (status, else /healthz Date header). */
export const clock: DoctorCheck = {
  id: 'clock',
  async run(ctx) {
    const probe = await ctx.healthz();
    if (!probe.clawgate || probe.stateDirId !== ctx.stateDirId) return { summary: 'no gateway of this state dir answers; nothing to compare', findings: [] };
    // The Date header has 1 s resolution; status would be finer but costs a connect, which the token check makes anyway.
    const st = await ctx.gatewayStatus();
    const local = st.state === 'ok' ? ctx.now() : probe.localMidMs;
    const remote = st.state === 'ok' ? st.status.startedAtMs + st.status.uptimeMs : probe.remoteDateMs;
    if (remote === undefined) return { summary: 'the gateway sent no time', findings: [] };
    const skew = remote - local;
    const secs = Math.round(Math.abs(skew) / 1000);
    if (Math.abs(skew) > CLOCK_SKEW_WARN_MS) {
      return {
        summary: `skew ${secs} s`,
        findings: [finding('clock-skew', 'warn', `the gateway's clock is ${secs} s ${skew > 0 ? 'ahead of' : 'behind'} this host's; device signatures are refused beyond ±120 s`, 'sync both clocks (timedatectl set-ntp true, or your OS time settings)')],
      };
    }
    return { summary: `within ${Math.max(1, secs)} s of the gateway`, findings: [] };
  },
};
