/** The agent benchmark scenarios, each against a gateway already running with the stand-in provider. */
import { randomUUID } from 'node:crypto';
import { directFirstText, type BenchProvider } from './fake-provider.js';
import type { OperatorClient, StampedEvent } from './operator-client.js';
import { processCpuSeconds } from './machine.js';
import { memOf } from './spawn-gateway.js';
import { sleep, summarize, type Summary } from './stats.js';

/** Longest wait for one run's events before the scenario gives up (a hung run is a result, not a hang). */
const RUN_WAIT_MS = 30_000;

/** Longest wait for all concurrent streams (with maxConcurrent 4 they take about half a minute). */
const STREAMS_WAIT_MS = 180_000;

const isChat = (runId: string) => (e: StampedEvent) => e.event === 'chat' && e.payload?.runId === runId;

/** One sequential run's timings (ms, all on this process's clock). */
export interface OverheadSample {
  /** chat.send sent -> first chat delta received. */
  e2eMs: number;
  /** chat.send sent -> the gateway's model request arrived at the stand-in. */
  toProviderMs: number;
  /** request arrived at the stand-in -> first delta received (stand-in answer + gateway egress). */
  fromProviderMs: number;
  /** The same request sent directly: start -> first text event. */
  directMs: number;
  directToProviderMs: number;
  directFromProviderMs: number;
  /** e2eMs - directMs. */
  overheadMs: number;
}

/** Send `PING id` to a session, time it to the first delta, wait for final, then replay its request directly. */
export async function timedRun(client: OperatorClient, provider: BenchProvider, sessionKey: string, id: string): Promise<OverheadSample> {
  const runId = randomUUID();
  const message = `PING ${id}`;
  const first = client.next((e) => isChat(runId)(e) && e.payload.state === 'delta', RUN_WAIT_MS, `first delta of ${runId}`);
  const end = client.next((e) => isChat(runId)(e) && e.payload.state !== 'delta', RUN_WAIT_MS, `end of ${runId}`);
  const t0 = performance.now();
  const accepted = client.request('chat.send', { sessionKey, message, idempotencyKey: runId });
  const [delta, last] = await Promise.all([first, end, accepted]);
  if (last.payload.state !== 'final') throw new Error(`run ${runId} ended ${last.payload.state}: ${last.payload.errorMessage ?? ''}`);
  const arrival = provider.arrivals.get(message);
  if (!arrival) throw new Error(`the stand-in never saw ${message}`);
  const body = provider.fake.requests[arrival.callIndex]!.body;
  const direct = await directFirstText(provider.fake.url, body);
  const replayAt = provider.arrivals.get(`replay ${message}`)!.at;
  const e2eMs = delta.at - t0;
  const directMs = direct.firstAt - direct.t0;
  return {
    e2eMs,
    toProviderMs: arrival.at - t0,
    fromProviderMs: delta.at - arrival.at,
    directMs,
    directToProviderMs: replayAt - direct.t0,
    directFromProviderMs: direct.firstAt - replayAt,
    overheadMs: e2eMs - directMs,
  };
}

/** Summaries of each field of a list of overhead samples. */
export type OverheadSummary = { [K in keyof OverheadSample]: Summary } & { runs: number };

export function summarizeOverhead(samples: OverheadSample[]): OverheadSummary {
  const field = (k: keyof OverheadSample) => summarize(samples.map((s) => s[k]));
  return {
    runs: samples.length,
    e2eMs: field('e2eMs'),
    toProviderMs: field('toProviderMs'),
    fromProviderMs: field('fromProviderMs'),
    directMs: field('directMs'),
    directToProviderMs: field('directToProviderMs'),
    directFromProviderMs: field('directFromProviderMs'),
    overheadMs: field('overheadMs'),
  };
}

/** Timings of one sub-agent spawn. */
export interface SpawnSample {
  /** Parent's sessions_spawn tool `start` event -> child's lifecycle `start` event, both as received here. */
  eventsMs: number;
  /** Parent's model request (the one answered with the tool call) arrived -> child's first model request arrived. */
  providerMs: number;
  /** sessions_spawn tool start -> tool result event (the tool call itself). */
  toolMs: number;
  /** Parent's model request arrived at the stand-in -> tool start event here (stand-in answer, SDK parse, transcript write). */
  parentToToolMs: number;
  /** Child's lifecycle start event here -> child's model request arrived at the stand-in. */
  childToProviderMs: number;
}

/**
 * One spawn in a fresh parent session: the parent's first model turn calls sessions_spawn; waits until the
 * child ended and the parent has handled the report, so spawns never overlap.
 */
export async function timedSpawn(client: OperatorClient, provider: BenchProvider, id: string): Promise<SpawnSample> {
  const parent = `agent:main:spawner-${id}`;
  const runId = randomUUID();
  const tool = (phase: string) => (e: StampedEvent) =>
    e.event === 'agent' && e.payload?.sessionKey === parent && e.payload.stream === 'tool' && e.payload.data?.phase === phase && e.payload.data?.name === 'sessions_spawn';
  const toolStart = client.next(tool('start'), RUN_WAIT_MS, 'sessions_spawn start');
  const toolResult = client.next(tool('result'), RUN_WAIT_MS, 'sessions_spawn result');
  const childStart = client.next(
    (e) => e.event === 'agent' && e.payload?.stream === 'lifecycle' && e.payload.data?.phase === 'start' && String(e.payload.sessionKey).includes(':subagent:'),
    RUN_WAIT_MS,
    'child lifecycle start',
  );
  const parentEnd = client.next((e) => isChat(runId)(e) && e.payload.state !== 'delta', RUN_WAIT_MS, 'parent run end');
  const reportEnd = client.next((e) => e.event === 'chat' && e.payload?.sessionKey === parent && e.payload.runId !== runId && e.payload.state !== 'delta', RUN_WAIT_MS, 'report run end');
  await client.request('chat.send', { sessionKey: parent, message: `SPAWN ${id}`, idempotencyKey: runId });
  const [start, result, child, pEnd, rEnd] = await Promise.all([toolStart, toolResult, childStart, parentEnd, reportEnd]);
  const childKey = result.payload.data?.result?.childSessionKey;
  if (child.payload.sessionKey !== childKey) throw new Error(`child lifecycle start was for ${child.payload.sessionKey}, the spawn returned ${childKey}`);
  for (const e of [pEnd, rEnd]) if (e.payload.state !== 'final') throw new Error(`run ${e.payload.runId} ended ${e.payload.state}`);
  const spawnReq = provider.arrivals.get(`SPAWN ${id}`);
  const childReq = provider.arrivals.get(`CHILD ${id}`);
  if (!spawnReq || !childReq) throw new Error(`the stand-in missed SPAWN/CHILD ${id}`);
  return {
    eventsMs: child.at - start.at,
    providerMs: childReq.at - spawnReq.at,
    toolMs: result.at - start.at,
    parentToToolMs: start.at - spawnReq.at,
    childToProviderMs: childReq.at - child.at,
  };
}

/** Outcome of N sessions streaming at once. */
export interface StreamingResult {
  sessions: number;
  maxConcurrent: number;
  finals: number;
  /** Runs whose final text was not exactly the stand-in's text. */
  wrongText: number;
  otherEnds: Record<string, number>;
  deltas: number;
  expectedDeltas: number;
  wallMs: number;
  deltasPerSecond: number;
  /** chat.send -> first delta, per run (shows queueing behind maxConcurrent). */
  firstDeltaMs: Summary;
  /** chat.send -> the run's model request arrived at the stand-in, per run. */
  toProviderMs: Summary;
  /** chat.send -> final, per run. */
  runMs: Summary;
  /** Bytes of chat/agent event frames received (each delta carries the text so far). */
  eventBytes: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  hwmMb: number;
  rssAfterMb: number;
  gatewayCpuPct: number;
  /** CPU of this process (client + stand-in) during the burst, % of one core. */
  loadGenCpuPct: number;
}

/** `sessions` chat.send at once, each to its own session; the stand-in streams `chunks` deltas per run. */
export async function concurrentStreams(client: OperatorClient, provider: BenchProvider, pid: number, sessions: number, chunks: number, maxConcurrent: number): Promise<StreamingResult> {
  const runIds = Array.from({ length: sessions }, () => randomUUID());
  const index = new Map(runIds.map((r, i) => [r, i]));
  const firstAt: number[] = [];
  const endAt: number[] = [];
  const otherEnds: Record<string, number> = {};
  let deltas = 0;
  let finals = 0;
  let wrongText = 0;
  let eventBytes = 0;
  let ended = 0;
  let allEnded: () => void = () => undefined;
  const done = new Promise<void>((res) => (allEnded = res));
  const stop = client.onEvent((e) => {
    if (e.event !== 'chat' && e.event !== 'agent') return;
    const i = index.get(e.payload?.runId);
    if (i === undefined) return;
    eventBytes += e.bytes;
    if (e.event !== 'chat') return;
    if (e.payload.state === 'delta') {
      deltas++;
      firstAt[i] ??= e.at;
      return;
    }
    if (e.payload.state === 'final') {
      finals++;
      if (e.payload.message?.content?.[0]?.text !== provider.streamText) wrongText++;
    } else otherEnds[e.payload.state] = (otherEnds[e.payload.state] ?? 0) + 1;
    endAt[i] = e.at;
    if (++ended === sessions) allEnded();
  });
  const rssBeforeMb = memOf(pid).rssMb;
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, memOf(pid).rssMb)), 50);
  const cpu0 = processCpuSeconds(pid);
  const me0 = process.cpuUsage();
  const t0 = performance.now();
  const accepted = runIds.map((runId, i) => client.request('chat.send', { sessionKey: `agent:main:stream-${i}`, message: `STREAM ${maxConcurrent}-${i}`, idempotencyKey: runId }));
  await Promise.all(accepted);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), STREAMS_WAIT_MS)));
  const outcome = await Promise.race([done.then(() => 'done' as const), timeout]);
  clearTimeout(timer);
  const wallMs = (outcome === 'done' ? Math.max(...endAt) : performance.now()) - t0;
  const gatewayCpuPct = ((processCpuSeconds(pid) - cpu0) * 1e5) / wallMs;
  const me = process.cpuUsage(me0);
  const loadGenCpuPct = (me.user + me.system) / 10 / wallMs;
  clearInterval(sampler);
  stop();
  if (outcome === 'timeout') otherEnds['never ended'] = sessions - ended;
  await sleep(2000);
  const after = memOf(pid);
  return {
    sessions,
    maxConcurrent,
    finals,
    wrongText,
    otherEnds,
    deltas,
    expectedDeltas: sessions * chunks,
    wallMs,
    deltasPerSecond: (deltas / wallMs) * 1000,
    firstDeltaMs: summarize(firstAt.filter((v) => v !== undefined).map((v) => v - t0)),
    toProviderMs: summarize(runIds.map((_r, i) => provider.arrivals.get(`STREAM ${maxConcurrent}-${i}`)?.at).filter((v): v is number => v !== undefined).map((v) => v - t0)),
    runMs: summarize(endAt.filter((v) => v !== undefined).map((v) => v - t0)),
    eventBytes,
    rssBeforeMb,
    rssPeakMb: Math.max(rssPeakMb, after.rssMb),
    hwmMb: after.hwmMb,
    rssAfterMb: after.rssMb,
    gatewayCpuPct,
    loadGenCpuPct,
  };
}
