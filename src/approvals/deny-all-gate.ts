import type { ExecApprovalGate } from './types.js';

/** A gate that lets nothing run: for runtimes with no owner to ask (tests of tools that never exec). */
export const DENY_ALL_GATE: ExecApprovalGate = {
  decide: () => Promise.resolve({ allowed: false, how: 'security-deny', reason: 'no approvals service: commands cannot run here' }),
};
