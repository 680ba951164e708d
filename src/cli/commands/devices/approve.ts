import type { Command } from 'commander';
import { inert, MAX_DISPLAY_NAME_CHARS } from '../../../protocol/display-text.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { PairedDeviceView, PendingRequestView } from '../../../protocol/methods/views.js';
import { LOCAL_OWNER } from '../../../pairing/actor.js';
import { approveRequest } from '../../../pairing/operations.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { ago } from '../../table.js';
import { clientLabel, fetchPairingList } from './list.js';
import { devicePairApprove } from '../../../protocol/methods/device-pair.js';

type Approved = { requestId: string; device: PairedDeviceView };

/** A string the device chose (already inert), quoted so the owner sees where it ends and the gateway's words begin. */
const quoted = (text: string | undefined, fallback: string) => (text === undefined ? fallback : JSON.stringify(text));

/**
 * The confirmation line of --latest. What is granted (role, scopes) comes first, before anything the device
 * named itself; every string from the device is inert, so no escape code can clear or conceal this line.
 */
function describeRequest(p: PendingRequestView): string {
  const scopes = p.scopes?.map((s) => inert(s, MAX_DISPLAY_NAME_CHARS)).join(',') || '(none)';
  const platform = p.platform === undefined ? undefined : inert(p.platform, MAX_DISPLAY_NAME_CHARS);
  const from = p.remoteIp === undefined ? 'this host' : inert(p.remoteIp, MAX_DISPLAY_NAME_CHARS);
  const [role, reason] = [p.role ?? 'unknown', p.reason ?? 'no reason given'].map((s) => inert(s, MAX_DISPLAY_NAME_CHARS));
  return `Latest request ${p.requestId}: role ${role}, scopes ${scopes}, ${reason}; device ${p.deviceId.slice(0, 12)} (client ${quoted(clientLabel(p), 'unknown')}, platform ${quoted(platform, 'unknown')}) from ${from}, ${ago(p.ts)}`;
}

/** `clawgate devices approve <requestId>` or `--latest` (shown, then confirmed or --yes). */
export function register(devices: Command, ctx: () => CliContext): void {
  devices
    .command('approve')
    .description('approve a pending pairing request (a unique prefix of its id is enough)')
    .argument('[requestId]', 'request id or unique prefix')
    .option('--latest', 'approve the most recent pending request')
    .option('--yes', 'do not ask for confirmation (with --latest)')
    .option('--json', 'print the result as JSON')
    .action(async (requestId: string | undefined, opts: { latest?: boolean; yes?: boolean; json?: boolean }) => {
      const c = ctx();
      if (requestId && opts.latest) throw new ClawgateError('USAGE', 'give either a request id or --latest, not both');
      let id = requestId;
      if (opts.latest) {
        const { pending } = await fetchPairingList(c);
        const latest = [...pending].sort((a, b) => b.ts - a.ts)[0];
        if (!latest) {
          c.io.out('No pending device pairing requests to approve');
          return;
        }
        c.io.out(describeRequest(latest));
        if (!opts.yes) {
          if (!c.io.isTTY) throw new ClawgateError('USAGE', 'not a terminal: pass --yes to approve the request shown above');
          const answer = (await c.io.prompt('Approve this request? [y/N] ')).trim().toLowerCase();
          if (answer !== 'y' && answer !== 'yes') {
            c.io.out('Not approved.');
            return;
          }
        }
        id = latest.requestId;
      }
      if (!id) throw new ClawgateError('USAGE', 'give a request id, or --latest; see clawgate devices list');
      const result = await withPairingAccess<Approved>(
        c,
        // Approving grants the request's scopes, which a non-admin approver must hold itself. The owner's CLI on this
        // host (gateway token, auto-approved on loopback) asks for operator.admin so the RPC path serves any request.
        (target) =>
          withGateway(c, [devicePairApprove], (client) => client.call(devicePairApprove, { requestId: id }), target, target.local && target.token.secret ? ['operator.admin'] : []),
        (store) => approveRequest(store, id, LOCAL_OWNER, Date.now()),
      );
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(`Approved ${result.device.deviceId} (${result.requestId}); it receives its device token on its next connect`);
    });
}
