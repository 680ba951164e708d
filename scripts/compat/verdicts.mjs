// Verdict helpers for the compat run: each check returns {ok, note}, or null
// from exitedOk when the command exited 0 in time.
import { CMD_TIMEOUT_MS, parseJsonOutput } from './openclaw.mjs';

export const all = (r) => r.stdout + '\n' + r.stderr;

// `devices` commands that get "pairing required" from the gateway silently read
// the CLI's OWN state dir instead (a stand-in for openclaw's own gateway on the
// same host). Without --json they print a notice; with --json the only trace is
// the connect error on stderr. Either way the answer did not come from us.
export const usedFallback = (r) => /local fallback/i.test(all(r)) || /pairing required|gateway connect failed/i.test(r.stderr);

export function firstErrorLine(r) {
  const line = r.stderr.split('\n').find((l) => /error|fail|unauthori|pairing|denied/i.test(l)) ?? r.stderr.split('\n')[0] ?? '';
  return line.trim().slice(0, 160);
}

export function exitedOk(r) {
  if (r.timedOut) return { ok: false, note: `no exit within ${CMD_TIMEOUT_MS / 1000} s` };
  if (r.code !== 0) return { ok: false, note: `exit ${r.code ?? r.signal}: ${firstErrorLine(r)}` };
  return null;
}

/** Exit 0, answered by the gateway (no fallback), stdout JSON; then test(json). */
export function jsonStep(r, test) {
  const j = parseJsonOutput(r.stdout);
  const bad = exitedOk(r);
  if (bad) {
    // Some commands (gateway probe) exit 1 with the reason only in their JSON.
    if (j !== null && !r.timedOut) return { ok: false, note: `exit ${r.code}: ${test(j).note}` };
    return bad;
  }
  if (usedFallback(r)) return { ok: false, note: 'CLI fell back to reading its own state dir, not the gateway' };
  if (j === null) return { ok: false, note: 'stdout is not JSON' };
  return test(j);
}

export const isList = (j) => Array.isArray(j?.pending) && Array.isArray(j?.paired);
