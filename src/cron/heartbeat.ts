import type { Logger } from 'pino';
import type { AgentRuntimeApi } from '../agents/runtime-api.js';
import type { Config } from '../config/schema.js';
import { parseSessionKey } from '../protocol/session-key.js';
import type { Store } from '../store/store.js';
import { parseInterval } from './duration.js';
import { sendSystemEventTurn, takeSystemEvents } from './system-event-turn.js';

/** The heartbeat interval configured at agents.defaults.heartbeat.every, or undefined when off (the default). */
export function heartbeatEveryMs(config: Config | undefined): number | undefined {
  const every = config?.agents?.defaults?.heartbeat?.every;
  return every === undefined ? undefined : parseInterval(every, 'agents.defaults.heartbeat.every');
}

/** What a Heartbeat is built from. */
export interface HeartbeatOptions {
  readonly store: Store;
  readonly runtime: Pick<AgentRuntimeApi, 'send' | 'agents' | 'defaultAgentId'>;
  readonly log: Logger;
  readonly everyMs: number;
}

/**
 * Every interval, one turn per agent main session with queued system events (cron jobs with wake
 * `next-heartbeat`); the turn's message is the events, consumed in the transaction that takes them.
 */
export class Heartbeat {
  readonly #opts: HeartbeatOptions;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: HeartbeatOptions) {
    this.#opts = opts;
  }

  start(): void {
    this.stop();
    this.#timer = setInterval(() => {
      try {
        this.beat();
      } catch (err) {
        this.#opts.log.warn({ err: (err as Error).message }, 'heartbeat failed');
      }
    }, this.#opts.everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One beat: start a turn in each configured agent's main session that has queued events; returns the runIds. */
  beat(): string[] {
    const { store, runtime, log } = this.#opts;
    const agents = runtime.agents();
    const defaultId = runtime.defaultAgentId();
    const runIds: string[] = [];
    for (const key of store.systemEvents.sessions()) {
      let parsed;
      try {
        parsed = parseSessionKey(key, defaultId);
      } catch {
        continue;
      }
      // Events of an agent no longer configured wait (an edit may bring it back); only main sessions beat.
      if (parsed.kind !== 'main' || !agents.some((a) => a.id === parsed.agentId)) continue;
      const events = store.write(() => takeSystemEvents(store, key));
      if (events.length === 0) continue;
      try {
        runIds.push(sendSystemEventTurn(store, runtime, key, events, { kind: 'heartbeat' }));
      } catch (err) {
        log.warn({ sessionKey: key, err: (err as Error).message }, 'heartbeat turn refused; events stay queued');
      }
    }
    if (runIds.length > 0) log.info({ turns: runIds.length }, 'heartbeat');
    return runIds;
  }
}
