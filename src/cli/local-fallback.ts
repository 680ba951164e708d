import { existsSync } from 'node:fs';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { stateDirIdOf } from '../util/state-dir-id.js';
import { HEALTHZ_TIMEOUT_MS, probeHealthz } from '../service/probe.js';
import type { Store } from '../store/store.js';
import type { CliContext } from './context.js';
import { resolveTarget, type GatewayTarget } from './gateway-target.js';

const FALLBACK_KINDS = new Set(['auth', 'pairing', 'scope']);

/** Refuse early when the gateway on our port serves another state dir: acting on ours would change the wrong install. */
export async function assertSameInstall(ctx: CliContext, target: GatewayTarget): Promise<void> {
  if (!target.local) return;
  const theirs = (await probeHealthz(target.port, HEALTHZ_TIMEOUT_MS))?.stateDirId;
  const ours = stateDirIdOf(ctx.paths.stateDir);
  if (theirs !== undefined && theirs !== ours) {
    throw new ClawgateError(
      'STATE_DIR_INVALID',
      `this CLI looks at state dir ${ctx.paths.stateDir} (id ${ours}), but the gateway on 127.0.0.1:${target.port} owns another state dir (id ${theirs}); run with the gateway's CLAWGATE_STATE_DIR or --profile`,
      { stateDir: ctx.paths.stateDir, stateDirId: ours, gatewayStateDirId: theirs },
    );
  }
}

/**
 * Never locked out: run a pairing operation over RPC, and when the gateway refuses this CLI for an auth
 * reason (or is not running) on this host, run the same operation on the store directly and say so.
 */
export async function withPairingAccess<T>(ctx: CliContext, viaRpc: (target: GatewayTarget) => Promise<T>, viaStore: (store: Store) => T): Promise<T> {
  const target = resolveTarget(ctx);
  await assertSameInstall(ctx, target);
  try {
    return await viaRpc(target);
  } catch (err) {
    if (!(err instanceof ClawgateError) || !target.local) throw err;
    const authFailure = FALLBACK_KINDS.has(err.kind);
    const notRunning = err.code === 'GATEWAY_UNREACHABLE';
    if (!authFailure && !notRunning) throw err;
    if (!existsSync(ctx.paths.dbPath)) throw err;
    const why = notRunning ? 'the gateway is not running' : `the gateway refused this CLI (${err.code}: ${err.message.split(';')[0]})`;
    ctx.io.err(`note: ${why}; acting on the store directly (${ctx.paths.dbPath})`);
    const { Store } = await import('../store/store.js');
    const store = Store.open(ctx.paths.dbPath);
    try {
      return viaStore(store);
    } finally {
      store.close();
    }
  }
}
