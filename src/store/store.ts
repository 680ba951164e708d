import { AuditLog } from './audit.js';
import { ChannelPairing } from './channel-pairing.js';
import { CronJobs } from './cron-jobs.js';
import { CronRuns } from './cron-runs.js';
import { openDatabase, type Db } from './database.js';
import { DeviceTokens } from './device-tokens.js';
import { ExecAllowlist } from './exec-allowlist.js';
import { ExecApprovals } from './exec-approvals.js';
import { Devices } from './devices.js';
import { PendingRequests } from './pending-requests.js';
import { ProviderStates } from './provider-states.js';
import { RetiredTokens } from './retired-tokens.js';
import { Sessions } from './sessions.js';
import { SessionUsage } from './session-usage.js';
import { SystemEvents } from './system-events.js';
import { Transcripts } from './transcripts.js';

/** state.db with one module per aggregate. All changes go through `write` (BEGIN IMMEDIATE). */
export class Store {
  readonly db: Db;
  readonly devices: Devices;
  readonly tokens: DeviceTokens;
  readonly retiredTokens: RetiredTokens;
  readonly pending: PendingRequests;
  readonly audit: AuditLog;
  readonly sessions: Sessions;
  readonly transcripts: Transcripts;
  /** Token counts per session, read from the transcripts. */
  readonly sessionUsage: SessionUsage;
  readonly providerStates: ProviderStates;
  readonly cronJobs: CronJobs;
  readonly cronRuns: CronRuns;
  readonly systemEvents: SystemEvents;
  readonly channelPairing: ChannelPairing;
  readonly execApprovals: ExecApprovals;
  readonly execAllowlist: ExecAllowlist;

  private constructor(db: Db) {
    this.db = db;
    this.devices = new Devices(db);
    this.tokens = new DeviceTokens(db);
    this.retiredTokens = new RetiredTokens(db);
    this.pending = new PendingRequests(db);
    this.audit = new AuditLog(db);
    this.sessions = new Sessions(db);
    this.transcripts = new Transcripts(db);
    this.sessionUsage = new SessionUsage(db);
    this.providerStates = new ProviderStates(db);
    this.cronJobs = new CronJobs(db);
    this.cronRuns = new CronRuns(db);
    this.systemEvents = new SystemEvents(db);
    this.channelPairing = new ChannelPairing(db);
    this.execApprovals = new ExecApprovals(db);
    this.execAllowlist = new ExecAllowlist(db);
  }

  /** Open (creating or migrating) the store at path. */
  static open(path: string): Store {
    return new Store(openDatabase(path));
  }

  /** Run fn in one immediate transaction: every change in it commits together or not at all. */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** PRAGMA integrity_check result ("ok" when healthy). */
  integrity(): string {
    return String(this.db.pragma('integrity_check', { simple: true }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
