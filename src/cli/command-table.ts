import type { Command } from 'commander';
import type { CliContext } from './context.js';

type Ctx = () => CliContext;
interface Registrar {
  register(parent: Command, ctx: Ctx): void;
}

/** Add a command group and register its subcommands; returns the groups created (for output wiring). */
function group(program: Command, name: string, description: string, mods: Registrar[], ctx: Ctx): Command {
  const g = program.command(name).description(description);
  for (const m of mods) m.register(g, ctx);
  return g;
}

/**
 * Every top-level command, loaded on demand: a CLI call imports only the command it runs (the bundle keeps
 * each in its own chunk), which is most of its start-up time. Each loader returns the groups it created.
 */
export const COMMAND_LOADERS: Record<string, (program: Command, ctx: Ctx) => Promise<Command[]>> = {
  async gateway(program, ctx) {
    const mods = await Promise.all([
      import('./commands/gateway/run.js'),
      import('./commands/gateway/start.js'),
      import('./commands/gateway/stop.js'),
      import('./commands/gateway/restart.js'),
      import('./commands/gateway/status.js'),
      import('./commands/gateway/service.js'),
    ]);
    const gateway = group(program, 'gateway', 'run and inspect the gateway', mods, ctx);
    const token = group(gateway, 'token', 'inspect and rotate the gateway token', await Promise.all([import('./commands/gateway/token-rotate.js'), import('./commands/gateway/token-show.js')]), ctx);
    return [gateway, token];
  },
  async health(program, ctx) {
    (await import('./commands/health.js')).register(program, ctx);
    return [];
  },
  async status(program, ctx) {
    (await import('./commands/status.js')).register(program, ctx);
    return [];
  },
  async logs(program, ctx) {
    (await import('./commands/logs.js')).register(program, ctx);
    return [];
  },
  async doctor(program, ctx) {
    (await import('./commands/doctor.js')).register(program, ctx);
    return [];
  },
  async devices(program, ctx) {
    const mods = await Promise.all([
      import('./commands/devices/list.js'),
      import('./commands/devices/approve.js'),
      import('./commands/devices/reject.js'),
      import('./commands/devices/remove.js'),
      import('./commands/devices/rotate.js'),
      import('./commands/devices/revoke.js'),
    ]);
    return [group(program, 'devices', 'pair, approve and manage devices', mods, ctx)];
  },
  async approvals(program, ctx) {
    const mods = await Promise.all([
      import('./commands/approvals/list.js'),
      import('./commands/approvals/approve.js'),
      import('./commands/approvals/deny.js'),
      import('./commands/approvals/allowlist.js'),
    ]);
    return [group(program, 'approvals', 'exec approvals: commands the agent wants to run, waiting for you; the stored allowlist', mods, ctx)];
  },
  async config(program, ctx) {
    const mods = await Promise.all([import('./commands/config/get.js'), import('./commands/config/set.js'), import('./commands/config/unset.js')]);
    return [group(program, 'config', 'read and change clawgate.json (validated)', mods, ctx)];
  },
  async agent(program, ctx) {
    (await import('./commands/agent.js')).register(program, ctx);
    return [];
  },
  async dashboard(program, ctx) {
    (await import('./commands/dashboard.js')).register(program, ctx);
    return [];
  },
  async tui(program, ctx) {
    (await import('./commands/tui.js')).register(program, ctx);
    return [];
  },
  async sessions(program, ctx) {
    const mods = await Promise.all([
      import('./commands/sessions/list.js'),
      import('./commands/sessions/history.js'),
      import('./commands/sessions/reset.js'),
      import('./commands/sessions/delete.js'),
    ]);
    return [group(program, 'sessions', 'list sessions, read their transcripts, reset or delete one', mods, ctx)];
  },
  async models(program, ctx) {
    const mods = await Promise.all([import('./commands/models/list.js'), import('./commands/models/status.js'), import('./commands/models/reset.js')]);
    return [group(program, 'models', 'models and provider health (cooldowns, rejected keys)', mods, ctx)];
  },
  async cron(program, ctx) {
    const mods = await Promise.all([
      import('./commands/cron/add.js'),
      import('./commands/cron/list.js'),
      import('./commands/cron/edit.js'),
      import('./commands/cron/rm.js'),
      import('./commands/cron/enable.js'),
      import('./commands/cron/disable.js'),
      import('./commands/cron/run.js'),
      import('./commands/cron/runs.js'),
    ]);
    return [group(program, 'cron', 'scheduled jobs: add, list, edit, run and their run history', mods, ctx)];
  },
  async pairing(program, ctx) {
    const mods = await Promise.all([import('./commands/pairing/list.js'), import('./commands/pairing/approve.js'), import('./commands/pairing/reject.js'), import('./commands/pairing/revoke.js')]);
    return [group(program, 'pairing', 'approve (or revoke) who may talk to the agent over a chat channel (DM pairing codes)', mods, ctx)];
  },
  async channels(program, ctx) {
    const mods = await Promise.all([import('./commands/channels/status.js')]);
    return [group(program, 'channels', 'chat channels (Telegram): state and problems', mods, ctx)];
  },
  async backup(program, ctx) {
    const mods = await Promise.all([import('./commands/backup/create.js'), import('./commands/backup/verify.js'), import('./commands/backup/restore.js')]);
    return [group(program, 'backup', 'create, verify and restore backups of the state dir', mods, ctx)];
  },
};

const VALUE_OPTIONS = new Set(['--url', '--token', '--profile', '--timeout']);

/** The top-level command named in argv (skipping global options and their values), if any. */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (arg.startsWith('-')) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    return arg;
  }
  return undefined;
}
