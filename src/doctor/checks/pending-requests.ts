import { inert, MAX_DISPLAY_NAME_CHARS } from '../../protocol/display-text.js';
import { PendingRequests } from '../../store/pending-requests.js';
import { withReadOnlyStore } from '../read-only-store.js';
import type { DoctorCheck } from '../types.js';
import { finding } from '../types.js';

/** Requests listed one by one; the rest are counted. */
const MAX_LISTED = 20;

/** pending-requests: live pairing requests waiting for the owner, each with its approve command. */
export const pendingRequests: DoctorCheck = {
  id: 'pending-requests',
  run(ctx) {
    const now = ctx.now();
    const live = withReadOnlyStore(ctx.paths.dbPath, (db) => new PendingRequests(db).list(now));
    if (live === undefined) return { summary: 'no store to read (none yet, or see store-integrity)', findings: [] };
    if (live.length === 0) return { summary: 'no pairing requests waiting', findings: [] };
    const findings = live.slice(0, MAX_LISTED).map((p) => {
      const id8 = p.requestId.slice(0, 8);
      // Names, platform and scopes are the device's own words: inert before they reach the owner's screen.
      const shown = (s: string) => inert(s, MAX_DISPLAY_NAME_CHARS);
      const who = [p.displayName, p.platform, p.remoteIp].filter((s): s is string => Boolean(s)).map(shown).join(', ');
      const mins = Math.max(0, Math.round((p.expiresAtMs - now) / 60_000));
      return finding(
        'pairing-request-waiting',
        'warn',
        `request ${id8} from device ${p.deviceId.slice(0, 12)}${who ? ` (${who})` : ''} wants ${shown(p.role)} [${p.scopes.map(shown).join(', ') || 'no scopes'}] (${p.reason}); expires in ${mins} min`,
        `clawgate devices approve ${id8} (or clawgate devices reject ${id8})`,
      );
    });
    if (live.length > MAX_LISTED) findings.push(finding('pairing-request-waiting', 'warn', `and ${live.length - MAX_LISTED} more`, 'clawgate devices list'));
    return { summary: `${live.length} pairing request${live.length === 1 ? '' : 's'} waiting`, findings };
  },
};
