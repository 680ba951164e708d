/**
 * Clawgate benchmarks: `npm run bench [-- --quick]`. The gateway is always a child process with a fresh temp
 * state dir; this process is the load generator (same machine, loopback only). Prints a table and writes
 * bench/results/latest.json. Targets are printed, never asserted.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileCommand, timeCommand, type CliTiming, type ProfileSummary } from './cli-timing.js';
import { handshakeChurn, holdClients, pairDevices, rpcPipeline } from './load-clients.js';
import { connect, closeAndWait, makeDevice } from './raw-connect.js';
import { msSpread, renderTable, writeJson, type Row } from './report.js';
import { foreignCpu, loadAverage, processCpuSeconds as cpuSecondsOf } from './machine.js';
import { CLI_BIN, cleanEnv, memOf, startGateway, type Gateway } from './spawn-gateway.js';
import { round, sleep, summarize } from './stats.js';
import { TUI_COUNTS, tuiPhase } from './tui.js';

const quick = process.argv.includes('--quick');
/** `--only tui`: just that phase (its own table; JSON in bench/results/tui-latest.json, latest.json untouched). */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const N = quick
  ? { starts: 3, idleMs: 2000, clients: 200, cliRuns: 5, pairs: 50, hsMs: 3000, rpcMs: 2000, warmMs: 500, baseMs: 1500 }
  : { starts: 7, idleMs: 5000, clients: 1000, cliRuns: 10, pairs: 50, hsMs: 10_000, rpcMs: 5000, warmMs: 1000, baseMs: 3000 };
const RESULTS = resolve(fileURLToPath(import.meta.url), `../../../bench/results/${only ? `${only}-` : ''}latest.json`);
const notes: string[] = [];
/** % of one core used by unrelated processes during each phase (max over its gateways). */
const foreignByPhase: Record<string, number> = {};
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** Run a phase against its own fresh gateway; note crashes and anything the gateway wrote to stderr. */
async function withGateway<T>(phase: string, fn: (gw: Gateway) => Promise<T>): Promise<T> {
  const foreign = foreignCpu();
  const gw = await startGateway();
  try {
    return await fn(gw);
  } finally {
    const pct = foreign(gw.pid);
    foreignByPhase[phase] = Math.max(foreignByPhase[phase] ?? 0, pct);
    const exit = gw.exited();
    if (exit) notes.push(`${phase}: gateway EXITED during the phase (code ${exit.code}, signal ${exit.signal})`);
    await gw.stop();
    const err = gw.stderr().trim();
    if (err) notes.push(`${phase}: gateway stderr: ${err.slice(0, 600)}`);
  }
}

async function startup() {
  const listen: number[] = [];
  const healthz: number[] = [];
  for (let i = 0; i < N.starts; i++) {
    await withGateway('startup', async (gw) => {
      listen.push(gw.listenMs);
      healthz.push(gw.healthzMs);
    });
  }
  return { runs: N.starts, listenMs: summarize(listen), healthzMs: summarize(healthz) };
}

async function idle() {
  return withGateway('idle', async (gw) => {
    const cpu0 = cpuSecondsOf(gw.pid);
    await sleep(N.idleMs);
    return { waitMs: N.idleMs, ...memOf(gw.pid), idleCpuMs: (cpuSecondsOf(gw.pid) - cpu0) * 1000 };
  });
}

async function manyClients() {
  return withGateway('clients', async (gw) => {
    await sleep(1000);
    const before = memOf(gw.pid).rssMb;
    const held = await holdClients(gw.url, gw.token, N.clients);
    await sleep(2000);
    const after = memOf(gw.pid);
    const loadRssMb = process.memoryUsage().rss / 2 ** 20;
    await held.closeAll();
    const connected = held.sockets.length;
    return {
      requested: N.clients,
      connected,
      openMs: held.openMs,
      rssBeforeMb: before,
      rssMb: after.rssMb,
      hwmMb: after.hwmMb,
      perClientKb: ((after.rssMb - before) * 1024) / Math.max(1, connected),
      loadGeneratorRssMb: loadRssMb,
      failures: held.failures.toJSON(),
      dropsWhileHeld: held.drops.toJSON(),
    };
  });
}

async function cli() {
  return withGateway('cli', async (gw) => {
    const env = cleanEnv({ CLAWGATE_STATE_DIR: gw.stateDir });
    const floor = await timeCommand('node -e 0', ['-e', '0'], env, N.cliRuns);
    const health = await timeCommand('clawgate health', [CLI_BIN, 'health'], env, N.cliRuns);
    const devices = await timeCommand('clawgate devices list', [CLI_BIN, 'devices', 'list'], env, N.cliRuns);
    const profiles: Record<string, ProfileSummary> = {};
    for (const t of [health, devices]) {
      if (t.median > 100) profiles[t.command] = await profileCommand([CLI_BIN, ...t.command.split(' ').slice(1)], env);
    }
    return { floor, health, devices, profiles };
  });
}

async function handshakes() {
  return withGateway('handshakes', async (gw) => {
    const devices = await pairDevices(gw.url, gw.token, N.pairs);
    await handshakeChurn(gw.url, devices, N.warmMs); // first device-token connect confirms the token
    const cpu0 = cpuSecondsOf(gw.pid);
    const me0 = process.cpuUsage();
    const r = await handshakeChurn(gw.url, devices, N.hsMs);
    const me = process.cpuUsage(me0);
    return { ...r, gatewayCpuPct: ((cpuSecondsOf(gw.pid) - cpu0) * 1e5) / r.elapsedMs, loadGenCpuPct: ((me.user + me.system) / 10) / r.elapsedMs };
  });
}

async function rpc() {
  return withGateway('rpc', async (gw) => {
    const { ws } = await connect(gw.url, { gatewayToken: gw.token });
    await rpcPipeline(ws, N.warmMs);
    const cpu0 = cpuSecondsOf(gw.pid);
    const me0 = process.cpuUsage();
    const r = await rpcPipeline(ws, N.rpcMs);
    const me = process.cpuUsage(me0);
    await closeAndWait(ws);
    return { ...r, gatewayCpuPct: ((cpuSecondsOf(gw.pid) - cpu0) * 1e5) / r.elapsedMs, loadGenCpuPct: ((me.user + me.system) / 10) / r.elapsedMs };
  });
}

async function tui() {
  return withGateway('tui', (gw) => tuiPhase(gw, quick ? TUI_COUNTS.quick : TUI_COUNTS.full, log));
}

/** Same churn and RPC loops against the bare ws server in baseline-server.ts: what this box can do at best. */
async function baseline() {
  const child = spawn(process.execPath, [resolve(fileURLToPath(import.meta.url), '../baseline-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((res, rej) => {
      child.stdout!.once('data', (d: Buffer) => res(Number(/listening (\d+)/.exec(d.toString())?.[1])));
      child.once('exit', (code) => rej(new Error(`baseline server exited ${code}`)));
    });
    const url = `ws://127.0.0.1:${port}`;
    const devices = Array.from({ length: N.pairs }, () => ({ ...makeDevice(), deviceToken: 'x' }));
    const hs = await handshakeChurn(url, devices, N.baseMs);
    const { ws } = await connect(url, {});
    const rpcs = await rpcPipeline(ws, N.baseMs);
    await closeAndWait(ws);
    return { handshakesPerSecond: hs.perSecond, handshakeP50Ms: hs.p50Ms, rpcPerSecond: rpcs.perSecond };
  } finally {
    child.kill('SIGTERM');
  }
}

function failText(f: Record<string, number>): string {
  return Object.entries(f).map(([m, n]) => `${n}x ${m}`).join('; ');
}

function cliRow(t: CliTiming, target?: number): Row {
  return { metric: `${t.command} wall (median of ${t.n}, min-max)`, result: msSpread(t.median, t.min, t.max), target: target ? `< ${target} ms` : 'floor', meets: target ? t.median < target : undefined };
}

async function onlyTui() {
  const t0 = performance.now();
  const load0 = loadAverage();
  log(`tui phase only; mode: ${quick ? 'quick' : 'full'}; ${cpus().length} CPUs; node ${process.version}; load average ${load0}`);
  const t = await tui();
  notes.push(...t.notes);
  const busy = foreignByPhase['tui'] ?? 0;
  notes.push(`${busy > 10 ? 'WARNING, machine was busy: ' : ''}CPU used by other processes during the phase: ${busy.toFixed(0)}% of one core; 1-min load average at start ${load0}`);
  console.log(`\nClawgate bench, tui phase (${quick ? 'quick' : 'full'}) - node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? '?'}\n`);
  console.log(renderTable(t.rows));
  console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
  const totalS = (performance.now() - t0) / 1000;
  console.log(`\ntotal bench time ${totalS.toFixed(1)} s; JSON: ${RESULTS}`);
  const r2 = (o: unknown) => JSON.parse(JSON.stringify(o, (_k, v) => (typeof v === 'number' ? round(v) : v)));
  writeJson(RESULTS, r2({ date: new Date().toISOString(), mode: quick ? 'quick' : 'full', node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, totalSeconds: totalS, tui: t.results, otherProcessesCpuPct: foreignByPhase, loadAverageAtStart: load0, table: t.rows, notes }));
}

async function main() {
  if (only === 'tui') return onlyTui();
  if (only !== undefined) throw new Error(`--only takes: tui (not ${only})`);
  const t0 = performance.now();
  const load0 = loadAverage();
  log(`mode: ${quick ? 'quick' : 'full'}; ${cpus().length} CPUs; node ${process.version}; load average ${load0}`);
  log('startup...');
  const s = await startup();
  log('idle RSS...');
  const i = await idle();
  log(`${N.clients} clients...`);
  const c = await manyClients();
  log('CLI timing...');
  const k = await cli();
  log('paired handshakes...');
  const h = await handshakes();
  log('RPC...');
  const r = await rpc();
  log('TUI...');
  const u = await tui();
  log('bare ws baseline...');
  const b = await baseline();

  const rows: Row[] = [
    { metric: `start: spawn -> "listening" line (median of ${s.runs}, min-max)`, result: msSpread(s.listenMs.median, s.listenMs.min, s.listenMs.max), target: '< 200 ms', meets: s.listenMs.median < 200 },
    { metric: `start: spawn -> /healthz 200 (median of ${s.runs}, min-max)`, result: msSpread(s.healthzMs.median, s.healthzMs.min, s.healthzMs.max), target: '< 200 ms', meets: s.healthzMs.median < 200 },
    { metric: `idle RSS after ${i.waitMs / 1000} s (VmRSS)`, result: `${i.rssMb.toFixed(1)} MB`, target: '< 60 MB', meets: i.rssMb < 60 },
    { metric: `RSS with ${c.connected}/${c.requested} authed clients`, result: `${c.rssMb.toFixed(1)} MB (+${c.perClientKb.toFixed(1)} KB/client)`, target: '', meets: undefined },
    cliRow(k.floor),
    cliRow(k.health, 100),
    cliRow(k.devices, 100),
    { metric: `paired handshakes/s (${h.concurrency} concurrent, ${(h.elapsedMs / 1000).toFixed(0)} s)`, result: `${h.perSecond.toFixed(0)}/s (${h.completed} done)`, target: '>= 3000/s', meets: h.perSecond >= 3000 },
    { metric: 'paired handshake latency p50 / p99', result: `${h.p50Ms.toFixed(1)} / ${h.p99Ms.toFixed(1)} ms`, target: '', meets: undefined },
    { metric: `health RPC/s, 1 socket (${r.mode})`, result: `${r.perSecond.toFixed(0)}/s (p50 ${r.p50Ms.toFixed(1)} ms)`, target: '>= 30000/s', meets: r.perSecond >= 30_000 },
    ...u.rows,
    { metric: 'ceiling: bare ws server, same handshake loop', result: `${b.handshakesPerSecond.toFixed(0)}/s (p50 ${b.handshakeP50Ms.toFixed(1)} ms)`, target: 'floor', meets: undefined },
    { metric: 'ceiling: bare ws server, same RPC loop', result: `${b.rpcPerSecond.toFixed(0)}/s`, target: 'floor', meets: undefined },
  ];
  if (c.connected < c.requested) notes.push(`clients: ${c.requested - c.connected} failed to connect: ${failText(c.failures)}`);
  if (Object.keys(c.dropsWhileHeld).length) notes.push(`clients: unexpected closes while held: ${failText(c.dropsWhileHeld)}`);
  if (Object.keys(h.failures).length) notes.push(`handshakes: failures: ${failText(h.failures)}`);
  if (h.reissued) notes.push(`handshakes: ${h.reissued} hello-ok carried a re-minted device token (expected 0 after warm-up)`);
  if (Object.keys(r.errors).length) notes.push(`rpc: error responses: ${failText(r.errors)}`);
  for (const t of [k.floor, k.health, k.devices]) if (t.failures.length) notes.push(`cli ${t.command}: ${t.failures.length} failed runs: ${t.failures[0]}`);
  for (const [cmd, p] of Object.entries(k.profiles)) {
    notes.push(`cli ${cmd} CPU profile (${p.totalMs.toFixed(0)} ms sampled), top self time: ${p.topModules.map((m) => `${m.module} ${m.selfMs.toFixed(0)} ms`).join(', ')}`);
  }
  notes.push(...u.notes);
  notes.push(`load generator = this node process (single thread) on the same ${cpus().length}-CPU machine as the gateway child; loopback only`);
  notes.push(`CPU during handshakes: gateway ${h.gatewayCpuPct.toFixed(0)}%, load generator ${h.loadGenCpuPct.toFixed(0)}% of one core; during RPC: gateway ${r.gatewayCpuPct.toFixed(0)}%, load generator ${r.loadGenCpuPct.toFixed(0)}%`);
  notes.push(`clients: ${c.connected} opened in ${c.openMs.toFixed(0)} ms (50 at a time); RSS before ${c.rssBeforeMb.toFixed(1)} MB, peak ${c.hwmMb.toFixed(1)} MB; load generator RSS ${c.loadGeneratorRssMb.toFixed(1)} MB`);
  const busy = Object.entries(foreignByPhase).map(([p, v]) => `${p} ${v.toFixed(0)}%`).join(', ');
  const noisy = Object.values(foreignByPhase).some((v) => v > 10);
  notes.push(`${noisy ? 'WARNING, machine was busy: ' : ''}CPU used by other processes (% of one core) per phase: ${busy}; 1-min load average at start ${load0}`);
  notes.push(`idle gateway used ${i.idleCpuMs.toFixed(0)} ms CPU over ${i.waitMs / 1000} s`);

  console.log(`\nClawgate bench (${quick ? 'quick' : 'full'}) - node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? '?'}\n`);
  console.log(renderTable(rows));
  console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
  const totalS = (performance.now() - t0) / 1000;
  console.log(`\ntotal bench time ${totalS.toFixed(1)} s; JSON: ${RESULTS}`);

  const r2 = (o: unknown) => JSON.parse(JSON.stringify(o, (_k, v) => (typeof v === 'number' ? round(v) : v)));
  writeJson(RESULTS, r2({ date: new Date().toISOString(), mode: quick ? 'quick' : 'full', node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, totalSeconds: totalS, startup: s, idle: i, clients: c, cli: k, handshakes: h, rpc: r, tui: u.results, bareWsBaseline: b, otherProcessesCpuPct: foreignByPhase, loadAverageAtStart: load0, table: rows, notes }));
}

main().catch((err) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : err}`);
  process.exitCode = 1;
});
