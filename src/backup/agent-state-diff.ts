import { countMissing, diffKeyed } from './keyed-diff.js';
import type { ProviderStateRow, SessionRow, StoreSnapshot } from './store-snapshot.js';

/** A session on one side only. */
export interface SessionSummary {
  key: string;
  messages: number;
}

/** A session on both sides whose transcript or settings differ. */
export interface SessionChange {
  key: string;
  /** Transcript rows appended since the backup: gone after the restore. */
  lost: number;
  /** Rows the backup has and the current store no longer does. */
  back: number;
  /** Rows on both sides whose exclusion mark differs (a repair or a quarantine since the backup). */
  remarked: number;
  what: string[];
}

/** A provider's failure mark as the diff shows it (never the rejected key's fingerprint). */
export interface ProviderSummary {
  providerId: string;
  errorClass: string;
  failures: number;
  untilMs: number | null;
}

/** Queued system events of one session that differ. */
export interface SystemEventChange {
  sessionKey: string;
  dropped: number;
  back: number;
}

/** What a restore rolls back of the agents' state: sessions and transcripts, provider marks, queued events. */
export interface AgentStateDiff {
  sessions: { removed: SessionSummary[]; restored: SessionSummary[]; changed: SessionChange[] };
  providers: { cleared: ProviderSummary[]; restored: ProviderSummary[]; changed: Array<{ providerId: string; what: string[] }> };
  systemEvents: SystemEventChange[];
}

const summary = (s: SessionRow): SessionSummary => ({ key: s.key, messages: s.messages.size });
const provider = (p: ProviderStateRow): ProviderSummary => ({ providerId: p.providerId, errorClass: p.errorClass, failures: p.failures, untilMs: p.untilMs });
const shown = (v: string | null): string => (v === null ? '(none)' : `'${v}'`);

function sessionChange(now: SessionRow, bak: SessionRow): SessionChange | undefined {
  let remarked = 0;
  for (const [id, mark] of bak.messages) if (now.messages.has(id) && now.messages.get(id) !== mark) remarked++;
  const what: string[] = [];
  if (now.agentId !== bak.agentId) what.push(`agent ${now.agentId} -> ${bak.agentId}`);
  if (now.label !== bak.label) what.push(`label ${shown(now.label)} -> ${shown(bak.label)}`);
  if (now.model !== bak.model) what.push(`model ${shown(now.model)} -> ${shown(bak.model)}`);
  const change = { key: now.key, lost: countMissing(now.messages, bak.messages), back: countMissing(bak.messages, now.messages), remarked, what };
  return change.lost + change.back + change.remarked + what.length > 0 ? change : undefined;
}

function providerChange(now: ProviderStateRow, bak: ProviderStateRow): string[] {
  const what: string[] = [];
  if (now.errorClass !== bak.errorClass) what.push(`${now.errorClass} -> ${bak.errorClass}`);
  if (now.failures !== bak.failures) what.push(`failures ${now.failures} -> ${bak.failures}`);
  if (now.untilMs !== bak.untilMs) what.push(`window until ${until(now.untilMs)} -> ${until(bak.untilMs)}`);
  if (now.keyFingerprint !== bak.keyFingerprint) what.push('the rejected key differs');
  return what;
}

/** An absolute window end as ISO time ("no end" when the mark has none). */
export function until(ms: number | null): string {
  return ms === null ? 'no end' : new Date(ms).toISOString();
}

/** Compare the agents' state of the current store with the backup's. */
export function diffAgentState(cur: StoreSnapshot, bak: StoreSnapshot): AgentStateDiff {
  const sessions = diffKeyed(cur.sessions, bak.sessions, (s) => s.key);
  const providers = diffKeyed(cur.providerStates, bak.providerStates, (p) => p.providerId);
  const systemEvents: SystemEventChange[] = [];
  for (const key of [...new Set([...cur.systemEvents.keys(), ...bak.systemEvents.keys()])].sort()) {
    const a = cur.systemEvents.get(key) ?? new Set<number>();
    const b = bak.systemEvents.get(key) ?? new Set<number>();
    const change = { sessionKey: key, dropped: countMissing(a, b), back: countMissing(b, a) };
    if (change.dropped + change.back > 0) systemEvents.push(change);
  }
  return {
    sessions: {
      removed: sessions.removed.map(summary),
      restored: sessions.restored.map(summary),
      changed: sessions.both.flatMap(([a, b]) => sessionChange(a, b) ?? []),
    },
    providers: {
      cleared: providers.removed.map(provider),
      restored: providers.restored.map(provider),
      changed: providers.both.flatMap(([a, b]) => {
        const what = providerChange(a, b);
        return what.length > 0 ? [{ providerId: a.providerId, what }] : [];
      }),
    },
    systemEvents,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function sessionLine(c: SessionChange): string {
  const parts: string[] = [];
  if (c.lost > 0) parts.push(`loses ${plural(c.lost, 'message')} (added since the backup)`);
  if (c.back > 0) parts.push(`gets ${plural(c.back, 'message')} back`);
  if (c.remarked > 0) {
    const n = c.remarked === 1 ? '1 entry changes its' : `${c.remarked} entries change their`;
    parts.push(`${n} exclusion mark (repaired or quarantined since the backup)`);
  }
  return `~ session ${c.key} ${[...parts, ...c.what].join('; ')}`;
}

/** Human sections for the agents' state; empty when nothing differs. */
export function describeAgentState(d: AgentStateDiff, nowMs: number): Array<[string, string[]]> {
  const mark = (p: ProviderSummary) => `${p.errorClass}, ${plural(p.failures, 'failure')}`;
  return [
    [
      'Sessions and transcripts',
      [
        ...d.sessions.removed.map((s) => `- session ${s.key} (${plural(s.messages, 'message')}) is removed`),
        ...d.sessions.restored.map((s) => `+ session ${s.key} comes back (${plural(s.messages, 'message')})`),
        ...d.sessions.changed.map(sessionLine),
      ],
    ],
    [
      'Model provider marks',
      [
        ...d.providers.cleared.map((p) => `- provider ${p.providerId}: its failure mark (${mark(p)}) is cleared`),
        ...d.providers.restored.map(
          (p) => `+ provider ${p.providerId}: marked again (${mark(p)}${p.untilMs !== null && p.untilMs <= nowMs ? ', window already over' : `, until ${until(p.untilMs)}`})`,
        ),
        ...d.providers.changed.map((p) => `~ provider ${p.providerId}: ${p.what.join('; ')}`),
      ],
    ],
    [
      'Queued system events',
      d.systemEvents.flatMap((e) => [
        ...(e.dropped > 0 ? [`- ${plural(e.dropped, 'queued system event')} for ${e.sessionKey} ${e.dropped === 1 ? 'is' : 'are'} dropped`] : []),
        ...(e.back > 0 ? [`+ ${plural(e.back, 'system event')} for ${e.sessionKey} ${e.back === 1 ? 'is' : 'are'} queued again (delivered on its next turn)`] : []),
      ]),
    ],
  ];
}
