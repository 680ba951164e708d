import type { Command } from 'commander';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { PairedDeviceView } from '../../../protocol/methods/views.js';
import { LOCAL_OWNER } from '../../../pairing/actor.js';
import { approveRequest } from '../../../pairing/operations.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { ago } from '../../table.js';
import { fetchPairingList } from './list.js';
import { devicePairApprove } from '../../../protocol/methods/device-pair.js';

type Approved = { requestId: string; device: PairedDeviceView };

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
        c.io.out(`Latest request ${latest.requestId}: device ${latest.deviceId.slice(0, 12)} (${latest.displayName ?? latest.clientId ?? 'unknown client'}, ${latest.platform ?? 'unknown platform'}) from ${latest.remoteIp ?? 'this host'}, role ${latest.role}, scopes ${latest.scopes?.join(',') || '(none)'}, ${latest.reason}, ${ago(latest.ts)}`);
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
