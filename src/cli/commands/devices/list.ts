import type { Command } from 'commander';
import { inert, MAX_DISPLAY_NAME_CHARS } from '../../../protocol/display-text.js';
import type { PairedDeviceView, PendingRequestView } from '../../../protocol/methods/views.js';
import { listPairing } from '../../../pairing/operations.js';
import type { CliContext } from '../../context.js';
import { withGateway } from '../../gateway-call.js';
import { withPairingAccess } from '../../local-fallback.js';
import { ago, formatTable } from '../../table.js';
import { devicePairList } from '../../../protocol/methods/device-pair.js';

export type PairingList = { pending: PendingRequestView[]; paired: PairedDeviceView[] };

/** device.pair.list over RPC, or on the store when the gateway refuses this CLI. */
export function fetchPairingList(c: CliContext): Promise<PairingList> {
  return withPairingAccess(
    c,
    (target) => withGateway(c, [devicePairList], (client) => client.call(devicePairList, {}), target),
    (store) => listPairing(store, Date.now()),
  );
}

/** The name a device gave itself (display name, else client id), made inert and bounded: the device chose it. */
export function clientLabel(v: Pick<PendingRequestView, 'displayName' | 'clientId'>): string | undefined {
  const name = v.displayName ?? v.clientId;
  return name === undefined ? undefined : inert(name, MAX_DISPLAY_NAME_CHARS);
}

/** Human tables of pending requests and paired devices. */
export function renderPairingList(list: PairingList): string {
  const out: string[] = [];
  if (list.pending.length === 0) out.push('Pending: none');
  else {
    out.push(`Pending (${list.pending.length}):`);
    out.push(
      formatTable(
        ['REQUEST', 'DEVICE', 'CLIENT', 'ROLE', 'SCOPES', 'REASON', 'FROM', 'SEEN'],
        list.pending.map((p) => [p.requestId.slice(0, 8), p.deviceId.slice(0, 12), clientLabel(p), p.role, p.scopes?.join(','), p.reason, p.remoteIp ?? 'local', ago(p.ts)]),
      ),
    );
    out.push(`Approve with: clawgate devices approve <REQUEST>`);
  }
  out.push('');
  if (list.paired.length === 0) out.push('Paired: none');
  else {
    out.push(`Paired (${list.paired.length}):`);
    out.push(
      formatTable(
        ['DEVICE', 'CLIENT', 'ROLES', 'SCOPES', 'TOKENS', 'LAST SEEN'],
        list.paired.map((d) => [
          d.deviceId.slice(0, 12),
          clientLabel(d),
          d.roles.join(','),
          d.scopes.join(','),
          d.tokens?.map((t) => `${t.role}:${t.revokedAtMs ? 'revoked' : t.awaitingDelivery ? 'issued' : t.fingerprint ? 'active' : 'rotated'}`).join(','),
          ago(d.lastSeenAtMs),
        ]),
      ),
    );
  }
  return out.join('\n');
}

/** `clawgate devices list`. */
export function register(devices: Command, ctx: () => CliContext): void {
  devices
    .command('list')
    .description('list pending pairing requests and paired devices')
    .option('--json', 'print {pending, paired} as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const list = await fetchPairingList(c);
      if (opts.json || c.json) c.printJson(list);
      else c.io.out(renderPairingList(list));
    });
}
