/**
 * `npm run bench:compare [-- --quick]`: Clawgate side by side with openclaw 2026.2.19 and 2026.2.22 on this
 * machine, in one run, all on 127.0.0.1. Peers are installed into the compat cache (scripts/compat/install.mjs);
 * a peer that cannot be installed or started is reported and Clawgate is still measured. Prints the table,
 * writes docs/benchmarks.md, docs/benchmarks.svg and bench/results/compare.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { configureBenchClient } from '../raw-connect.js';
import { writeJson } from '../report.js';
import { cleanEnv } from '../spawn-gateway.js';
import { machineInfo, markdownPage, withKeptSections } from './page.js';
import { barChartSvg, markdownTable, tableCells, textTable, type Metric } from './render.js';
import { fig, runTarget, type Plan, type TargetResult } from './run-target.js';
import { clawgate, openclaw, REPO, type PeerTools, type Target } from './targets.js';
import { timeCli, type CliStats } from './timed-cli.js';

const PEER_VERSIONS = ['2026.2.19', '2026.2.22'];
const quick = process.argv.includes('--quick');
const PLAN: Plan = quick
  ? { quick, starts: 2, idleAtMs: [5000], cliRuns: 5, hsRounds: 3, hsRoundMs: 1000, rpcRounds: 3, rpcRoundMs: 1000, clients: 200 }
  : { quick, starts: 3, idleAtMs: [5000, 60_000], cliRuns: 10, hsRounds: 3, hsRoundMs: 3000, rpcRounds: 3, rpcRoundMs: 2000, clients: 1000 };
const log = (msg: string) => process.stderr.write(`[bench:compare] ${msg}\n`);

/** Install (or find) one openclaw version; null plus a reason when that fails. */
async function installPeer(version: string): Promise<{ tools: PeerTools | null; error?: string }> {
  try {
    const mod = await import(pathToFileURL(join(REPO, 'scripts/compat/install.mjs')).href);
    return { tools: (await mod.ensureInstalled({ version })) as PeerTools };
  } catch (err) {
    return { tools: null, error: `could not install openclaw@${version}: ${(err as Error).message.slice(0, 600)}` };
  }
}

function metrics(rs: TargetResult[]): Metric[] {
  const hs = (c: string, k: 'perSecond' | 'p50Ms' | 'p99Ms') => rs.map((r) => (r.hs[c]?.length ? fig(r.hs[c]!.map((h) => h[k])) : null));
  const cli = (name: string, k: 'wallMs' | 'peakMb') => rs.map((r) => { const c: CliStats | undefined = r.cli[name]; return c ? { ...c[k] } : null; });
  const m: Metric[] = [
    { label: 'start: spawn -> first v3 handshake', unit: 'ms', better: 'lower', values: rs.map((r) => r.startMs ?? null), chart: 'start' },
    ...PLAN.idleAtMs.map((at, i): Metric => ({ label: `idle RSS, process tree, ${at / 1000} s after ready`, unit: 'MB', better: 'lower', values: rs.map((r) => r.idleMb[String(at)] ?? null), ...(i === 0 ? { chart: 'idle RSS' } : {}) })),
    { label: 'CLI `health` wall time', unit: 'ms', better: 'lower', values: cli('health', 'wallMs'), chart: 'CLI health' },
    { label: 'CLI `health` peak RSS', unit: 'MB', better: 'lower', values: cli('health', 'peakMb') },
    { label: 'CLI `devices list` wall time', unit: 'ms', better: 'lower', values: cli('devices list', 'wallMs'), chart: 'CLI devices' },
    { label: 'CLI `devices list` peak RSS', unit: 'MB', better: 'lower', values: cli('devices list', 'peakMb') },
    { label: 'handshakes/s, 1 client', unit: '/s', better: 'higher', values: hs('1', 'perSecond'), chart: 'hs/s x1' },
    { label: 'handshake p50, 1 client', unit: 'ms', better: 'lower', values: hs('1', 'p50Ms') },
    { label: 'handshake p99, 1 client', unit: 'ms', better: 'lower', values: hs('1', 'p99Ms') },
    { label: 'handshakes/s, 50 concurrent', unit: '/s', better: 'higher', values: hs('50', 'perSecond'), chart: 'hs/s x50' },
    { label: 'handshake p50, 50 concurrent', unit: 'ms', better: 'lower', values: hs('50', 'p50Ms') },
    { label: 'handshake p99, 50 concurrent', unit: 'ms', better: 'lower', values: hs('50', 'p99Ms') },
    { label: '`health` RPC/s, 1 connection, 64 in flight', unit: '/s', better: 'higher', values: rs.map((r) => r.rpcPerSecond ?? null), chart: 'RPC/s' },
    { label: `RSS, process tree, ${PLAN.clients} connected clients`, unit: 'MB', better: 'lower', values: rs.map((r) => (r.clients ? { median: r.clients.rssMb, min: r.clients.rssMb, max: r.clients.rssMb, n: 1 } : null)), chart: `RSS ${PLAN.clients} cl.` },
  ];
  return m;
}

async function main() {
  const t0 = performance.now();
  // Ids and signature version both implementations accept (openclaw 2026.2.x validates client.id and verifies v2).
  configureBenchClient({ id: 'cli', mode: 'cli', signature: 'v2' });
  const problems: string[] = [];
  const targets: Target[] = [clawgate()];
  const peers: Record<string, PeerTools> = {};
  for (const v of PEER_VERSIONS) {
    log(`installing/checking openclaw@${v}`);
    const p = await installPeer(v);
    if (p.tools) {
      peers[v] = p.tools;
      targets.push(await openclaw(p.tools));
    } else {
      problems.push(p.error!);
      log(p.error!);
    }
  }

  log('floors: node -e 0');
  const floors: CliStats[] = [await timeCli(`node ${process.version} -e 0`, process.execPath, ['-e', '0'], cleanEnv(), REPO, PLAN.cliRuns)];
  const anyPeer = Object.values(peers)[0];
  if (anyPeer) floors.push(await timeCli('node 24.21.0 -e 0', anyPeer.node, ['-e', '0'], cleanEnv(), REPO, PLAN.cliRuns));

  const results: TargetResult[] = [];
  for (const t of targets) results.push(await runTarget(t, PLAN));
  for (const v of PEER_VERSIONS) if (!peers[v]) results.push({ name: `openclaw ${v}`, version: v, runtime: '-', describe: '-', error: problems.find((p) => p.includes(v)) ?? 'not installed', idleMb: {}, cli: {}, hs: {}, notes: [] });

  const columns = results.map((r) => r.name);
  const ms = metrics(results);
  const cells = tableCells(columns, ms);
  const totalS = (performance.now() - t0) / 1000;
  const machine = machineInfo();
  const command = `npm run bench:compare${quick ? ' -- --quick' : ''}`;
  const floorLines = floors.map((f) => `${f.label}: ${f.wallMs.median.toFixed(1)} ms (${f.wallMs.min.toFixed(1)}-${f.wallMs.max.toFixed(1)}), peak RSS ${f.peakMb.median.toFixed(1)} MB, median of ${f.runs}`);
  const notes = results.flatMap((r) => [...(r.error ? [`${r.name}: NOT MEASURED: ${r.error}`] : []), ...r.notes.map((n) => `${r.name}: ${n}`)]);

  console.log(`\nbench:compare (${quick ? 'quick' : 'full'}) on ${machine.cpu}, ${machine.cores} cores, ${machine.memGb} GB, ${machine.os}\n`);
  console.log(textTable(cells));
  console.log(`\nratio = peer / Clawgate (medians)\nfloors: ${floorLines.join('; ')}`);
  if (notes.length) console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
  console.log(`\ntotal ${totalS.toFixed(0)} s; wrote docs/benchmarks.md, docs/benchmarks.svg, bench/results/compare.json`);

  const svg = barChartSvg(columns, ms, `Clawgate vs openclaw, ${new Date().toISOString().slice(0, 10)}, ${machine.cores}-core ${machine.cpu}`);
  writeFileSync(join(REPO, 'docs/benchmarks.svg'), svg);
  const pagePath = join(REPO, 'docs/benchmarks.md');
  const previous = existsSync(pagePath) ? readFileSync(pagePath, 'utf8') : undefined;
  writeFileSync(pagePath, withKeptSections(markdownPage({ table: markdownTable(cells), machine, results, floorLines, notes, command, totalS, plan: PLAN }), previous));
  writeJson(join(REPO, 'bench/results/compare.json'), { date: new Date().toISOString(), command, machine, plan: PLAN, floors, results, totalSeconds: totalS });
}

main().catch((err) => {
  console.error(`bench:compare failed: ${err instanceof Error ? err.stack : err}`);
  process.exitCode = 1;
});
