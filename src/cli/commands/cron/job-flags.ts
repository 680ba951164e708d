import type { Command } from 'commander';
import { parseInterval } from '../../../cron/duration.js';
import type { CronDelivery, CronJobInput, CronJobPatch, CronPayload } from '../../../protocol/cron-job.js';
import type { CronSchedule } from '../../../cron/schedule.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';

/** The job flags of `cron add` and `cron edit`, as commander parses them. */
export interface JobFlags {
  name?: string;
  at?: string;
  every?: string;
  cron?: string;
  tz?: string;
  session?: string;
  systemEvent?: string;
  message?: string;
  wake?: string;
  agent?: string;
  announce?: boolean;
  clearDelivery?: boolean;
  channel?: string;
  to?: string;
  deleteAfterRun?: boolean;
  keepAfterRun?: boolean;
  timeoutSeconds?: string;
  json?: boolean;
}

/** Add the job flags to a command. */
export function jobOptions(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'job name (at most 200 characters)')
    .option('--at <time>', 'run once: an ISO time (2026-03-01T09:00:00+01:00) or relative (+20m, +2h, +1d)')
    .option('--every <duration>', 'run every interval (30s, 5m, 1h, 1d; at least 10s)')
    .option('--cron <expr>', 'run on a cron expression (5 fields, or 6 with seconds first), e.g. "0 9 * * 1-5"')
    .option('--tz <zone>', 'IANA time zone of --cron (default: the gateway host\'s zone), e.g. Europe/Berlin')
    .option('--session <target>', 'main (a system event into the main session) or isolated (a fresh session per run)')
    .option('--system-event <text>', 'the system event a main-session job queues')
    .option('--message <text>', 'the agent message an isolated job sends')
    .option('--wake <mode>', 'main jobs: now (a turn at once, default) or next-heartbeat')
    .option('--agent <id>', 'agent id (default: the default agent)')
    .option('--announce', 'send an isolated run\'s result to --channel/--to')
    .option('--channel <channel>', 'channel of the announcement, e.g. telegram')
    .option('--to <target>', 'chat or user id the announcement goes to')
    .option('--delete-after-run', 'remove a one-shot (--at) job after it ran successfully (default for --at)')
    .option('--keep-after-run', 'keep a one-shot job after its run (disabled)')
    .option('--timeout-seconds <n>', 'isolated runs: time limit of each run')
    .option('--json', 'print the job as JSON');
}

function usage(message: string): ClawgateError {
  return new ClawgateError('USAGE', message);
}

/** The schedule named by --at, --every or --cron (with --tz); undefined when none is given. */
export function scheduleFromFlags(f: JobFlags): CronSchedule | undefined {
  const given = [f.at, f.every, f.cron].filter((v) => v !== undefined).length;
  if (given > 1) throw usage('give one schedule: --at, --every or --cron');
  if (f.tz !== undefined && f.cron === undefined) throw usage('--tz applies to --cron');
  if (f.at !== undefined) return { kind: 'at', at: f.at };
  if (f.every !== undefined) return { kind: 'every', everyMs: parseInterval(f.every, '--every') };
  if (f.cron !== undefined) return { kind: 'cron', expr: f.cron, ...(f.tz !== undefined ? { tz: f.tz } : {}) };
  return undefined;
}

function payloadFromFlags(f: JobFlags): CronPayload | undefined {
  if (f.systemEvent !== undefined && f.message !== undefined) throw usage('give --system-event (main session) or --message (isolated session), not both');
  if (f.systemEvent !== undefined) return { kind: 'systemEvent', text: f.systemEvent };
  if (f.message !== undefined) {
    const timeout = f.timeoutSeconds !== undefined ? Number(f.timeoutSeconds) : undefined;
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > 86_400)) throw usage('--timeout-seconds takes 1-86400');
    return { kind: 'agentTurn', message: f.message, ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}) };
  }
  if (f.timeoutSeconds !== undefined) throw usage('--timeout-seconds goes with --message');
  return undefined;
}

function deliveryFromFlags(f: JobFlags): CronDelivery | undefined {
  if (!f.announce) {
    if (f.channel !== undefined || f.to !== undefined) throw usage('--channel and --to go with --announce');
    return undefined;
  }
  // `--channel last` (or --announce alone) goes to the chat that last talked to the agent.
  if (f.channel === undefined || f.channel === 'last') return { mode: 'announce', channel: 'last' };
  if (f.to === undefined) throw usage(`--announce --channel ${f.channel.slice(0, 40)} needs --to (the chat id), or use --channel last`);
  return { mode: 'announce', channel: f.channel, to: f.to };
}

function enumFlag<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw usage(`${flag} takes ${allowed.join(' or ')}, not "${value.slice(0, 40)}"`);
  return value as T;
}

function deleteAfterRunOf(f: JobFlags): boolean | undefined {
  if (f.deleteAfterRun && f.keepAfterRun) throw usage('give --delete-after-run or --keep-after-run, not both');
  return f.deleteAfterRun ? true : f.keepAfterRun ? false : undefined;
}

/** The fields every form shares, only those given. */
function commonOf(f: JobFlags): CronJobPatch {
  const out: CronJobPatch = {};
  const session = enumFlag('--session', f.session, ['main', 'isolated'] as const);
  const wake = enumFlag('--wake', f.wake, ['now', 'next-heartbeat'] as const);
  const schedule = scheduleFromFlags(f);
  const payload = payloadFromFlags(f);
  const delivery = deliveryFromFlags(f);
  const deleteAfterRun = deleteAfterRunOf(f);
  if (f.name !== undefined) out.name = f.name;
  if (schedule) out.schedule = schedule;
  if (session) out.sessionTarget = session;
  if (wake) out.wakeMode = wake;
  if (payload) out.payload = payload;
  if (delivery) out.delivery = delivery;
  if (f.agent !== undefined) out.agentId = f.agent;
  if (deleteAfterRun !== undefined) out.deleteAfterRun = deleteAfterRun;
  return out;
}

/** `cron add` flags as cron.add params; names the missing flag. */
export function inputFromFlags(f: JobFlags): CronJobInput {
  const c = commonOf(f);
  if (c.name === undefined) throw usage('cron add needs --name');
  if (!c.schedule) throw usage('cron add needs a schedule: --at, --every or --cron');
  if (!c.payload) throw usage('cron add needs --system-event TEXT (main session) or --message TEXT (isolated session)');
  return { ...c, name: c.name, schedule: c.schedule, payload: c.payload };
}

/** `cron edit` flags as a cron.update patch; at least one change. */
export function patchFromFlags(f: JobFlags): CronJobPatch {
  const patch = commonOf(f);
  if (f.clearDelivery) {
    if (patch.delivery) throw usage('give --announce or --clear-delivery, not both');
    patch.delivery = { mode: 'none' };
  }
  if (Object.keys(patch).length === 0) throw usage('nothing to change; give e.g. --every 1h, --message TEXT or --name NAME');
  return patch;
}
