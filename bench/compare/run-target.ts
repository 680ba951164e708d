/** Runs every measurement against one gateway implementation, start to stop, and collects the figures. */
import { summarize } from '../stats.js';
import { handshakes, idleRss, manyClients, rpc, type Handshakes } from './measure.js';
import type { Fig } from './render.js';
import type { Running, Target } from './targets.js';
import { timeCli, type CliStats } from './timed-cli.js';

export interface Plan {
  quick: boolean;
  /** Measured starts after the unmeasured warm-up start (which also serves the load phases). */
  starts: number;
  idleAtMs: number[];
  cliRuns: number;
  hsRounds: number;
  hsRoundMs: number;
  rpcRounds: number;
  rpcRoundMs: number;
  clients: number;
}

export interface TargetResult {
  name: string;
  version: string;
  runtime: string;
  describe: string;
  error?: string;
  startMs?: Fig;
  idleMb: Record<string, Fig>;
  processes?: number;
  cli: Record<string, CliStats>;
  hs: Record<string, Handshakes[]>;
  rpcPerSecond?: Fig;
  rpcErrors?: Record<string, number>;
  clients?: Awaited<ReturnType<typeof manyClients>>;
  notes: string[];
}

export const fig = (xs: number[]): Fig => {
  const s = summarize(xs.filter(Number.isFinite));
  return { median: s.median, min: s.min, max: s.max, n: s.n };
};

const log = (msg: string) => process.stderr.write(`[bench:compare] ${msg}\n`);

/** Start, measure, stop; any failure is recorded on the result instead of aborting the whole run. */
export async function runTarget(t: Target, plan: Plan): Promise<TargetResult> {
  const res: TargetResult = { name: t.name, version: t.version, runtime: t.runtime, describe: t.describe, idleMb: {}, cli: {}, hs: {}, notes: [] };
  let run: Running | undefined;
  try {
    log(`${t.name}: warm-up start`);
    run = await t.start();
    const readyAt = performance.now();
    log(`${t.name}: ready in ${run.readyMs.toFixed(0)} ms; idle RSS at ${plan.idleAtMs.map((m) => `${m / 1000} s`).join(', ')}`);
    const idle = await idleRss(run, readyAt, plan.idleAtMs);
    const idleSamples: Record<string, number[]> = {};
    for (const [at, v] of Object.entries(idle)) idleSamples[at] = [v.rssMb];
    res.processes = idle[String(plan.idleAtMs[0])]?.processes;

    for (const [name, args] of [['health', ['health']], ['devices list', ['devices', 'list']]] as const) {
      log(`${t.name}: CLI ${name} x ${plan.cliRuns} (+1 warm-up)`);
      const [cmd, argv] = run.cli([...args]);
      res.cli[name] = await timeCli(name, cmd, argv, run.cliEnv, run.cliCwd, plan.cliRuns);
      if (res.cli[name]!.localFallbacks) res.notes.push(`CLI ${name}: ${res.cli[name]!.localFallbacks} of ${plan.cliRuns + 1} runs printed a "local fallback" notice (answered from the CLI's own state dir, not the gateway)`);
      if (res.cli[name]!.failures.length) res.notes.push(`CLI ${name}: ${res.cli[name]!.failures.length} of ${plan.cliRuns + 1} runs failed: ${res.cli[name]!.failures[0]}`);
    }

    for (const c of [1, 50]) {
      log(`${t.name}: handshakes at ${c} concurrent, ${plan.hsRounds} x ${plan.hsRoundMs / 1000} s`);
      res.hs[String(c)] = [];
      for (let i = 0; i < plan.hsRounds; i++) res.hs[String(c)]!.push(await handshakes(run, c, plan.hsRoundMs));
      const pf = res.hs[String(c)]!.flatMap((h) => Object.entries(h.pairingFailures));
      const f = res.hs[String(c)]!.flatMap((h) => Object.entries(h.failures));
      if (pf.length) res.notes.push(`handshakes x${c}: first (pairing) connects failed: ${pf.map(([m, n]) => `${n}x ${m}`).join('; ')}`);
      if (f.length) res.notes.push(`handshakes x${c}: failures: ${f.map(([m, n]) => `${n}x ${m}`).join('; ')}`);
    }

    log(`${t.name}: health RPC on one connection, ${plan.rpcRounds} x ${plan.rpcRoundMs / 1000} s`);
    const rates: number[] = [];
    for (let i = 0; i < plan.rpcRounds; i++) {
      const r = await rpc(run, 500, plan.rpcRoundMs);
      rates.push(r.perSecond);
      if (Object.keys(r.errors).length) res.rpcErrors = r.errors;
    }
    res.rpcPerSecond = fig(rates);
    if (res.rpcErrors) res.notes.push(`RPC error responses: ${JSON.stringify(res.rpcErrors).slice(0, 300)}`);

    log(`${t.name}: ${plan.clients} connected clients`);
    res.clients = await manyClients(run, plan.clients);
    if (res.clients.connected < plan.clients) res.notes.push(`clients: ${plan.clients - res.clients.connected} of ${plan.clients} failed: ${JSON.stringify(res.clients.failures).slice(0, 300)}`);
    if (Object.keys(res.clients.drops).length) res.notes.push(`clients: dropped while held: ${JSON.stringify(res.clients.drops).slice(0, 300)}`);
    await run.stop();
    run = undefined;

    const starts: number[] = [];
    for (let i = 0; i < plan.starts; i++) {
      log(`${t.name}: measured start ${i + 1}/${plan.starts}`);
      const r = await t.start();
      starts.push(r.readyMs);
      const more = await idleRss(r, performance.now(), [plan.idleAtMs[0]!]);
      idleSamples[String(plan.idleAtMs[0])]!.push(more[String(plan.idleAtMs[0])]!.rssMb);
      await r.stop();
    }
    res.startMs = fig(starts);
    for (const [at, xs] of Object.entries(idleSamples)) res.idleMb[at] = fig(xs);
  } catch (err) {
    res.error = err instanceof Error ? err.message.slice(0, 1500) : String(err);
    log(`${t.name}: FAILED: ${res.error}`);
  } finally {
    if (run) await run.stop();
  }
  return res;
}
