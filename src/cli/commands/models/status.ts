import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { formatUntil } from '../../../agents/provider-errors.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { ResultOf } from '../../../protocol/methods/index.js';
import type { CliContext } from '../../context.js';
import { withRunningGateway } from '../../gateway-required.js';
import { formatTable } from '../../table.js';
import { modelsStatus } from '../../../protocol/methods/models.js';

type StatusResult = ResultOf<typeof modelsStatus>;
type ProviderRow = StatusResult['providers'][number];

function stateText(p: ProviderRow): string {
  return p.state !== 'ok' && p.errorClass !== undefined ? `${p.state} (${p.errorClass})` : p.state;
}

/** A table of providers (key source and fingerprint, state, until when), then the detail and fix of each that is not ok. */
export function renderProviderStatus(result: StatusResult, nowMs = Date.now()): string {
  if (result.providers.length === 0) return 'No providers configured. Add one under models.providers (see docs/config.md).';
  const out = [
    formatTable(
      ['PROVIDER', 'API', 'KEY', 'STATE', 'UNTIL'],
      result.providers.map((p) => [p.id, p.api, p.keyFingerprint ? `${p.keySource} ${p.keyFingerprint}` : p.keySource, stateText(p), p.untilMs !== undefined ? formatUntil(p.untilMs, nowMs) : undefined]),
    ),
  ];
  for (const p of result.providers.filter((x) => x.state !== 'ok')) {
    out.push('', `${p.id}: ${p.detail ?? stateText(p)}${p.failures !== undefined ? ` (${p.failures} consecutive failure${p.failures === 1 ? '' : 's'})` : ''}`);
    if (p.fix) out.push(`  fix: ${p.fix}`);
  }
  return out.join('\n');
}

/** Provider state from this state dir's config and store, for when the gateway is not running. */
async function fromStore(c: CliContext): Promise<StatusResult> {
  const { loadConfig } = await import('../../../config/load.js');
  const { resolveAgents } = await import('../../../agents/agent-config.js');
  const { ProviderHealth } = await import('../../../agents/provider-health.js');
  const { Store } = await import('../../../store/store.js');
  const providers = resolveAgents(loadConfig(c.paths.configPath).config, c.io.env, c.paths.stateDir).providers;
  const store = Store.open(c.paths.dbPath);
  try {
    return { providers: new ProviderHealth(store).status(providers).map((p) => JSON.parse(JSON.stringify(p)) as ProviderRow) };
  } finally {
    store.close();
  }
}

/** models.status through the gateway; from the config and store when this host's gateway is not running. */
export async function fetchProviderStatus(c: CliContext): Promise<StatusResult> {
  try {
    return await withRunningGateway(c, [modelsStatus], (client) => client.call(modelsStatus, {}));
  } catch (err) {
    const local = c.globals.url === undefined;
    if (!(err instanceof ClawgateError) || err.code !== 'GATEWAY_UNREACHABLE' || !local || !existsSync(c.paths.dbPath)) throw err;
    c.io.err(`note: the gateway is not running; reading provider state from ${c.paths.dbPath} (keys as this shell's environment has them)`);
    return fromStore(c);
  }
}

/** `clawgate models status`. */
export function register(models: Command, ctx: () => CliContext): void {
  models
    .command('status')
    .description('provider health: key source and fingerprint, cooldowns and rejected keys, with the fix')
    .option('--json', 'print {providers} as the wire has them')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const result = await fetchProviderStatus(c);
      if (opts.json || c.json) c.printJson(result);
      else c.io.out(renderProviderStatus(result));
    });
}
