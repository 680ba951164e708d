import type { Command } from 'commander';
import { inertJson } from '../../protocol/display-text.js';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { LOG_LEVEL_NAMES, LOGS_TAIL_MAX_LIMIT, logsTail } from '../../protocol/methods/logs.js';
import type { ResultOf } from '../../protocol/methods/index.js';
import type { CliContext } from '../context.js';
import type { GatewayTarget } from '../gateway-target.js';

/** How often --follow asks for new lines. */
export const FOLLOW_INTERVAL_MS = 500;
const DEFAULT_LIMIT = 100;
/**
 * Failures that mean "read the files instead" when the gateway is this host's: down, refusing this CLI, or
 * this CLI unable to write what connecting needs (its identity, on a full or read-only disk).
 */
const FALLBACK_KINDS = new Set(['unreachable', 'auth', 'pairing', 'scope', 'storage']);

type TailResult = ResultOf<typeof logsTail>;
type LevelName = (typeof LOG_LEVEL_NAMES)[number];

interface LogsOptions {
  follow?: boolean;
  level?: string;
  json?: boolean;
  limit?: string;
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > LOGS_TAIL_MAX_LIMIT) throw new ClawgateError('USAGE', `--limit takes 1-${LOGS_TAIL_MAX_LIMIT}, not "${value}"`);
  return n;
}

function parseLevel(value: string | undefined): LevelName | undefined {
  if (value === undefined) return undefined;
  const l = value.toLowerCase();
  if (!(LOG_LEVEL_NAMES as readonly string[]).includes(l)) throw new ClawgateError('USAGE', `--level takes one of ${LOG_LEVEL_NAMES.join(', ')}, not "${value}"`);
  return l as LevelName;
}

/** Resolves after ms, or early (true) once Ctrl-C or SIGTERM arrives. */
function stopSignal(): { wait(ms: number): Promise<boolean>; dispose(): void } {
  let stopped = false;
  let wake: (() => void) | undefined;
  const onSignal = () => {
    stopped = true;
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    wait: (ms) =>
      stopped
        ? Promise.resolve(true)
        : new Promise((resolve) => {
            const timer = setTimeout(() => resolve(stopped), ms);
            wake = () => {
              clearTimeout(timer);
              resolve(true);
            };
          }),
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** `clawgate logs`: the gateway's log through logs.tail, or from the files when the gateway is down. */
export function register(program: Command, ctx: () => CliContext): void {
  program
    .command('logs')
    .description("show the gateway's log (from the running gateway, else from the log files)")
    .option('--follow', `keep printing new lines (every ${FOLLOW_INTERVAL_MS} ms) until Ctrl-C`)
    .option('--level <level>', `only lines at this level or above (${LOG_LEVEL_NAMES.join(', ')})`)
    .option('--json', 'print raw JSON lines')
    .option('--limit <n>', `how many recent lines to show (1-${LOGS_TAIL_MAX_LIMIT}, default ${DEFAULT_LIMIT})`)
    .action(async (opts: LogsOptions) => {
      const c = ctx();
      const limit = parseLimit(opts.limit);
      const level = parseLevel(opts.level);
      const json = opts.json === true || c.json;
      const { formatEntry } = await import('../../logging/pretty.js');
      const print = (r: TailResult) => {
        for (const line of r.lines) c.io.out(json ? inertJson(line) : formatEntry(line, { withDate: true }));
      };
      const params = (cursor?: string) => ({ limit: cursor === undefined ? limit : LOGS_TAIL_MAX_LIMIT, ...(level ? { level } : {}), ...(cursor !== undefined ? { cursor } : {}) });
      const stop = opts.follow ? stopSignal() : undefined;
      try {
        const via = await viaGateway(c, params, print, stop);
        if (via.done) return;
        await fromFiles(c, via.reason, via.cursor, params, print, stop);
      } finally {
        stop?.dispose();
      }
    });
}

type Params = (cursor?: string) => { limit: number; level?: LevelName; cursor?: string };

/** Read (and follow) through the gateway; says where it stopped when the files must take over. */
async function viaGateway(
  c: CliContext,
  params: Params,
  print: (r: TailResult) => void,
  stop: ReturnType<typeof stopSignal> | undefined,
): Promise<{ done: true } | { done: false; reason: string; cursor: string | undefined }> {
  let target: GatewayTarget;
  try {
    const { resolveTarget } = await import('../gateway-target.js');
    target = resolveTarget(c);
  } catch (err) {
    // A broken config is when the log is needed most: read the files of this state dir.
    if (err instanceof ClawgateError && err.kind === 'config' && c.globals.url === undefined) return { done: false, reason: `the config cannot be read (${err.message.split(';')[0]})`, cursor: undefined };
    throw err;
  }
  if (target.local) {
    const { assertSameInstall } = await import('../local-fallback.js');
    try {
      await assertSameInstall(c, target);
    } catch (err) {
      if (err instanceof ClawgateError && err.code === 'STATE_DIR_INVALID') return { done: false, reason: `the gateway on port ${target.port} serves another state dir`, cursor: undefined };
      throw err;
    }
  }
  let cursor: string | undefined;
  const { withGateway } = await import('../gateway-call.js');
  try {
    await withGateway(
      c,
      [logsTail],
      async (client) => {
        for (;;) {
          const r = await client.call(logsTail, params(cursor));
          print(r);
          cursor = r.cursor;
          if (!stop || (await stop.wait(FOLLOW_INTERVAL_MS))) return;
        }
      },
      target,
    );
    return { done: true };
  } catch (err) {
    if (!(err instanceof ClawgateError) || !target.local || !FALLBACK_KINDS.has(err.kind)) throw err;
    const why =
      err.kind === 'unreachable'
        ? cursor === undefined
          ? 'the gateway is not running'
          : 'the gateway went away'
        : err.kind === 'storage'
          ? `this CLI cannot connect (${err.code}: ${err.message})`
          : `the gateway refused this CLI (${err.code})`;
    return { done: false, reason: why, cursor };
  }
}

/** Read (and follow) the newest log files of this state dir directly. */
async function fromFiles(c: CliContext, reason: string, cursor: string | undefined, params: Params, print: (r: TailResult) => void, stop: ReturnType<typeof stopSignal> | undefined): Promise<void> {
  const { readLogTail } = await import('../../logging/tail.js');
  const { LEVELS } = await import('../../logging/levels.js');
  const { secretList } = await import('../../logging/redact.js');
  const { resolveGatewayToken } = await import('../../auth/gateway-token.js');
  const dir = c.paths.logsDir;
  c.io.err(`note: ${reason}; reading the log files in ${dir}`);
  // Lines were scrubbed when written; scrub again with the tokens this CLI knows (flag, env).
  const secrets = secretList([resolveGatewayToken({ flag: c.globals.token, env: c.io.env }).secret?.reveal()]);
  for (;;) {
    const p = params(cursor);
    const r = readLogTail(dir, { limit: p.limit, minLevel: p.level ? LEVELS[p.level] : 0, ...(p.cursor !== undefined ? { cursor: p.cursor } : {}), secrets });
    print(r);
    cursor = r.cursor;
    if (!stop || (await stop.wait(FOLLOW_INTERVAL_MS))) return;
  }
}
