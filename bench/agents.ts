/**
 * Agent runtime benchmarks (issue 4): `npm run bench:agents [-- --quick]`. The gateway is a child process
 * with a fresh temp state dir per phase; this process is the load generator, a paired operator on a real
 * WebSocket, and the stand-in model (the tests' fake OpenAI server). Prints a table and writes
 * bench/results/agents-latest.json. Targets are printed, never asserted.
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concurrentStreams, summarizeOverhead, timedRun, timedSpawn, type OverheadSample, type OverheadSummary, type SpawnSample, type StreamingResult } from './agent-scenarios.js';
import { startBenchProvider, type BenchProvider } from './fake-provider.js';
import { foreignCpu, loadAverage, processCpuSeconds as cpuSecondsOf } from './machine.js';
import { pairedOperator, type OperatorClient } from './operator-client.js';
import { renderTable, writeJson, type Row } from './report.js';
import { startGateway, type Gateway } from './spawn-gateway.js';
import { round, summarize, type Summary } from './stats.js';
import { execTrue, memorySearch, toolDispatch, type DispatchResult, type ExecTrueResult, type MemorySearchResult } from './tool-scenarios.js';

const quick = process.argv.includes('--quick');
const N = quick
  ? { warmup: 5, runs: 50, spawns: 20, sessions: 100, chunks: 50, chunkDelayMs: 20, toolCalls: 2000, notes: 10_000, memoryQueries: 200, execRuns: 30 }
  : { warmup: 10, runs: 200, spawns: 50, sessions: 100, chunks: 50, chunkDelayMs: 20, toolCalls: 10_000, notes: 10_000, memoryQueries: 1000, execRuns: 100 };
/** maxConcurrent for the wide streaming phase: every session at once. */
const MAX_CONCURRENT_CEILING = N.sessions;
/** Wait after the warm-up runs so the new workspace's files have settled (see overhead()). */
const WORKSPACE_SETTLE_MS = 2500;
/** The runtime's default agents.defaults.maxConcurrent. */
const MAX_CONCURRENT_DEFAULT = 4;
const RESULTS = resolve(fileURLToPath(import.meta.url), '../../../bench/results/agents-latest.json');
const notes: string[] = [];
const foreignByPhase: Record<string, number> = {};
const log = (msg: string) => process.stderr.write(`[bench:agents] ${msg}\n`);

/** models/agents sections pointing the default agent at the stand-in. */
function agentsConfig(provider: BenchProvider, maxConcurrent?: number): Record<string, unknown> {
  return {
    models: { providers: { bench: { api: 'openai-completions', baseUrl: provider.fake.url, apiKey: 'sk-bench-not-a-secret' } } },
    agents: { defaults: { model: 'bench/fake-gpt', ...(maxConcurrent !== undefined ? { maxConcurrent } : {}) } },
  };
}

/** Run a phase against its own fresh gateway and one paired operator; note crashes and gateway stderr. */
async function withGateway<T>(phase: string, config: Record<string, unknown>, fn: (gw: Gateway, client: OperatorClient) => Promise<T>): Promise<T> {
  const foreign = foreignCpu();
  const gw = await startGateway(config);
  try {
    const client = await pairedOperator(gw.url, gw.token);
    try {
      return await fn(gw, client);
    } finally {
      await client.close();
    }
  } finally {
    foreignByPhase[phase] = Math.max(foreignByPhase[phase] ?? 0, foreign(gw.pid));
    const exit = gw.exited();
    if (exit) notes.push(`${phase}: gateway EXITED during the phase (code ${exit.code}, signal ${exit.signal})`);
    await gw.stop();
    const err = gw.stderr().trim();
    if (err) notes.push(`${phase}: gateway stderr: ${err.slice(0, 600)}`);
  }
}

interface OverheadResult {
  coldFirstRunMs: number;
  oneSession: OverheadSummary;
  /** e2e median of the first and last 20 runs of the one session (transcript growth). */
  oneSessionFirst20E2eMs: number;
  oneSessionLast20E2eMs: number;
  freshSessions: OverheadSummary;
  /** Gateway CPU (user + system) per run, whole run, averaged over each loop. */
  oneSessionGatewayCpuMsPerRun: number;
  freshSessionsGatewayCpuMsPerRun: number;
}

async function overhead(provider: BenchProvider): Promise<OverheadResult> {
  return withGateway('overhead', agentsConfig(provider), async (gw, client) => {
    // The very first run loads the provider SDK and opens the provider connection.
    const cold = await timedRun(client, provider, 'agent:main:bench-warm', 'warm-0');
    for (let i = 1; i < N.warmup; i++) await timedRun(client, provider, 'agent:main:bench-warm', `warm-${i}`);
    // The first run made the workspace; its files are re-read every run until they are older than the racy
    // window (load-bootstrap.ts), as on a gateway that has been up a while, which is what this phase measures.
    await new Promise((r) => setTimeout(r, WORKSPACE_SETTLE_MS));
    const one: OverheadSample[] = [];
    const cpu0 = cpuSecondsOf(gw.pid);
    for (let i = 0; i < N.runs; i++) one.push(await timedRun(client, provider, 'agent:main:bench-one', `one-${i}`));
    const cpu1 = cpuSecondsOf(gw.pid);
    const fresh: OverheadSample[] = [];
    for (let i = 0; i < N.runs; i++) fresh.push(await timedRun(client, provider, `agent:main:bench-fresh-${i}`, `fresh-${i}`));
    const cpu2 = cpuSecondsOf(gw.pid);
    return {
      coldFirstRunMs: cold.e2eMs,
      oneSession: summarizeOverhead(one),
      oneSessionFirst20E2eMs: summarize(one.slice(0, 20).map((s) => s.e2eMs)).median,
      oneSessionLast20E2eMs: summarize(one.slice(-20).map((s) => s.e2eMs)).median,
      freshSessions: summarizeOverhead(fresh),
      oneSessionGatewayCpuMsPerRun: ((cpu1 - cpu0) * 1000) / N.runs,
      freshSessionsGatewayCpuMsPerRun: ((cpu2 - cpu1) * 1000) / N.runs,
    };
  });
}

interface SpawnResult {
  spawns: number;
  eventsMs: Summary;
  providerMs: Summary;
  toolMs: Summary;
  parentToToolMs: Summary;
  childToProviderMs: Summary;
}

async function spawns(provider: BenchProvider): Promise<SpawnResult> {
  return withGateway('spawn', agentsConfig(provider), async (_gw, client) => {
    for (let i = 0; i < 3; i++) await timedSpawn(client, provider, `warm-${i}`);
    const samples: SpawnSample[] = [];
    for (let i = 0; i < N.spawns; i++) samples.push(await timedSpawn(client, provider, String(i)));
    const field = (k: keyof SpawnSample) => summarize(samples.map((s) => s[k]));
    return { spawns: samples.length, eventsMs: field('eventsMs'), providerMs: field('providerMs'), toolMs: field('toolMs'), parentToToolMs: field('parentToToolMs'), childToProviderMs: field('childToProviderMs') };
  });
}

async function streaming(provider: BenchProvider, maxConcurrent: number): Promise<StreamingResult> {
  return withGateway(`streaming-${maxConcurrent}`, agentsConfig(provider, maxConcurrent === MAX_CONCURRENT_DEFAULT ? undefined : maxConcurrent), async (gw, client) => {
    // One run first, so the SDK load is not part of the measured burst.
    await timedRun(client, provider, 'agent:main:bench-warm', `warm-stream-${maxConcurrent}`);
    return concurrentStreams(client, provider, gw.pid, N.sessions, N.chunks, maxConcurrent);
  });
}

const ms = (v: number) => `${v.toFixed(2)} ms`;
const p50p99 = (s: Summary) => `${ms(s.p50)} / ${ms(s.p99)}`;

function overheadRows(label: string, o: OverheadSummary): Row[] {
  return [
    { metric: `${label}: chat.send -> first delta p50 / p99 (${o.runs} runs)`, result: p50p99(o.e2eMs), target: '', meets: undefined },
    { metric: `${label}: same request direct to the stand-in p50 / p99`, result: p50p99(o.directMs), target: 'floor', meets: undefined },
    { metric: `${label}: gateway overhead (per-run difference) p50 / p99`, result: p50p99(o.overheadMs), target: '< 5 ms', meets: o.overheadMs.p50 < 5 },
  ];
}

function toolRows(d: DispatchResult, m: MemorySearchResult, x: ExecTrueResult): Row[] {
  return [
    { metric: `exec true on the host p50 / p99 (${x.runs} runs)`, result: p50p99(x.hostMs), target: '', meets: undefined },
    { metric: `exec true in the bubblewrap sandbox p50 / p99 (${x.runs} runs)`, result: x.bubblewrapMs ? p50p99(x.bubblewrapMs) : `unavailable: ${x.bubblewrapUnavailable}`, target: '', meets: undefined },
    { metric: `tool dispatch (validate, call, render, transcript append) p50 / p99 (${d.calls} no-op calls)`, result: p50p99(d.perCallMs), target: '< 2 ms', meets: d.perCallMs.p99 < 2 },
    { metric: `memory_search over ${m.notes.toLocaleString('en')} notes p50 / p95 (${m.queries} queries, ${m.hits} with hits)`, result: `${ms(m.searchMs.p50)} / ${ms(m.p95Ms)}`, target: 'p95 < 20 ms', meets: m.p95Ms < 20 },
    { metric: `memory index build, ${m.notes.toLocaleString('en')} notes`, result: ms(m.buildMs), target: '', meets: undefined },
  ];
}

function streamingRows(s: StreamingResult): Row[] {
  const label = `${s.sessions} sessions x ${N.chunks} chunks, maxConcurrent ${s.maxConcurrent}`;
  const ends = Object.entries(s.otherEnds).map(([k, v]) => `${v} ${k}`).join(', ');
  return [
    { metric: `${label}: runs final`, result: `${s.finals}/${s.sessions}${s.wrongText ? ` (${s.wrongText} wrong text)` : ''}${ends ? ` (${ends})` : ''}`, target: `${s.sessions}/${s.sessions}`, meets: s.finals === s.sessions && s.wrongText === 0 },
    { metric: `${label}: wall, deltas received`, result: `${(s.wallMs / 1000).toFixed(2)} s, ${s.deltas}/${s.expectedDeltas} (${s.deltasPerSecond.toFixed(0)}/s)`, target: '', meets: undefined },
    { metric: `${label}: first delta p50 / p99`, result: p50p99(s.firstDeltaMs), target: '', meets: undefined },
    { metric: `${label}: gateway RSS before / peak / 2 s after`, result: `${s.rssBeforeMb.toFixed(1)} / ${s.rssPeakMb.toFixed(1)} / ${s.rssAfterMb.toFixed(1)} MB`, target: '', meets: undefined },
  ];
}

async function main() {
  const t0 = performance.now();
  const load0 = loadAverage();
  log(`mode: ${quick ? 'quick' : 'full'}; ${cpus().length} CPUs; node ${process.version}; load average ${load0}`);
  const provider = await startBenchProvider({ chunks: N.chunks, chunkDelayMs: N.chunkDelayMs });
  try {
    log(`tools: ${N.toolCalls} dispatches, memory_search over ${N.notes} notes...`);
    const dispatch = await toolDispatch(N.toolCalls);
    const memory = await memorySearch(N.notes, N.memoryQueries);
    const exec = await execTrue(N.execRuns);
    log(`overhead: ${N.runs} runs in one session, ${N.runs} in fresh sessions...`);
    const o = await overhead(provider);
    log(`sub-agent spawns: ${N.spawns}...`);
    const sp = await spawns(provider);
    log(`${N.sessions} concurrent streams, maxConcurrent ${MAX_CONCURRENT_CEILING}...`);
    const wide = await streaming(provider, MAX_CONCURRENT_CEILING);
    log(`${N.sessions} concurrent streams, maxConcurrent ${MAX_CONCURRENT_DEFAULT} (default)...`);
    const narrow = await streaming(provider, MAX_CONCURRENT_DEFAULT);

    const rows: Row[] = [
      { metric: 'first run after start (SDK load, new provider connection)', result: ms(o.coldFirstRunMs), target: '', meets: undefined },
      ...overheadRows('one session', o.oneSession),
      ...overheadRows('fresh sessions', o.freshSessions),
      { metric: `sub-agent: tool start event -> child lifecycle start p50 / p99 (${sp.spawns})`, result: p50p99(sp.eventsMs), target: '< 10 ms', meets: sp.eventsMs.p50 < 10 },
      { metric: 'sub-agent: parent model request -> child model request p50 / p99', result: p50p99(sp.providerMs), target: '', meets: undefined },
      ...streamingRows(wide),
      ...streamingRows(narrow),
      ...toolRows(dispatch, memory, exec),
    ];
    notes.push(`tool dispatch without the transcript append (validate, call, render) p50 ${ms(dispatch.executeOnlyMs.p50)}, p99 ${ms(dispatch.executeOnlyMs.p99)}; memory_search includes its change check and one event-loop turn for file-watcher events`);
    const split = (label: string, s: OverheadSummary) =>
      `${label}: p50 chat.send -> request at stand-in ${ms(s.toProviderMs.p50)} (direct ${ms(s.directToProviderMs.p50)}), request at stand-in -> first delta here ${ms(s.fromProviderMs.p50)} (direct ${ms(s.directFromProviderMs.p50)})`;
    notes.push(split('one session', o.oneSession));
    notes.push(split('fresh sessions', o.freshSessions));
    notes.push(`gateway CPU per run (whole run, all its frames): one session ${ms(o.oneSessionGatewayCpuMsPerRun)}, fresh sessions ${ms(o.freshSessionsGatewayCpuMsPerRun)}`);
    notes.push(`one session: chat.send -> first delta median of runs 1-20 ${ms(o.oneSessionFirst20E2eMs)}, of runs ${N.runs - 19}-${N.runs} ${ms(o.oneSessionLast20E2eMs)} (the transcript grows to ${2 * N.runs} messages, read from the store and sent on each call)`);
    notes.push(`sub-agent, p50 split of "parent model request -> child model request": parent request at stand-in -> tool start event here ${ms(sp.parentToToolMs.p50)} (stand-in streams the tool call, SDK parse, transcript write); tool start -> child lifecycle start ${ms(sp.eventsMs.p50)}; child lifecycle start -> child request at stand-in ${ms(sp.childToProviderMs.p50)}; the sessions_spawn call itself (tool start -> result event) ${ms(sp.toolMs.p50)}`);
    for (const s of [wide, narrow]) {
      notes.push(`streams, maxConcurrent ${s.maxConcurrent}: gateway CPU ${s.gatewayCpuPct.toFixed(0)}%, this process (client + stand-in) ${s.loadGenCpuPct.toFixed(0)}% of one core; chat.send -> model request at stand-in p50 ${ms(s.toProviderMs.p50)}, p99 ${ms(s.toProviderMs.p99)}; run (chat.send -> final) p50 ${(s.runMs.p50 / 1000).toFixed(2)} s, max ${(s.runMs.max / 1000).toFixed(2)} s; ${(s.eventBytes / 2 ** 20).toFixed(1)} MiB of chat/agent frames (each delta carries the text so far); VmHWM ${s.hwmMb.toFixed(1)} MB`);
    }
    notes.push(`stand-in: ${N.chunks} text chunks per stream with ${N.chunkDelayMs} ms before each SSE event (${N.chunks + 4} events, about ${(((N.chunks + 4) * N.chunkDelayMs) / 1000).toFixed(2)} s per run); 0 delay for the overhead and spawn phases`);
    notes.push(`load generator, operator client and stand-in model share this node process (single thread) on the same ${cpus().length}-CPU machine as the gateway child; loopback only`);
    const busy = Object.entries(foreignByPhase).map(([p, v]) => `${p} ${v.toFixed(0)}%`).join(', ');
    notes.push(`${Object.values(foreignByPhase).some((v) => v > 10) ? 'WARNING, machine was busy: ' : ''}CPU used by other processes (% of one core) per phase: ${busy}; 1-min load average at start ${load0}`);

    console.log(`\nClawgate agents bench (${quick ? 'quick' : 'full'}) - node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? '?'}\n`);
    console.log(renderTable(rows));
    console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
    const totalS = (performance.now() - t0) / 1000;
    console.log(`\ntotal bench time ${totalS.toFixed(1)} s; JSON: ${RESULTS}`);
    const r2 = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' ? round(x) : x)));
    writeJson(RESULTS, r2({ date: new Date().toISOString(), mode: quick ? 'quick' : 'full', node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, totalSeconds: totalS, overhead: o, spawn: sp, streaming: { wide, narrow }, tools: { dispatch, memory, exec }, otherProcessesCpuPct: foreignByPhase, loadAverageAtStart: load0, table: rows, notes }));
  } finally {
    await provider.close();
  }
}

main().catch((err) => {
  console.error(`bench:agents failed: ${err instanceof Error ? err.stack : err}`);
  process.exitCode = 1;
});
