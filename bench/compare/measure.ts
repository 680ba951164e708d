/** The measurements, identical for every gateway: idle tree RSS, CLI runs, v3 handshakes, RPC, many clients. */
import { closeAndWait, connect, makeDevice, type BenchDevice } from '../raw-connect.js';
import { Failures, holdClients, rpcPipeline } from '../load-clients.js';
import { sleep, summarize } from '../stats.js';
import { treeRssMb } from './proc-tree.js';
import type { Running } from './targets.js';

/** Scopes every bench connection asks for: enough for `health` on both implementations. */
const SCOPES = ['operator.read'];
const MAX_FAILURES = 500;

/** Tree RSS at each of `atMs` after the gateway became ready (ascending). */
export async function idleRss(run: Running, readyAt: number, atMs: number[]): Promise<Record<string, { rssMb: number; processes: number }>> {
  const out: Record<string, { rssMb: number; processes: number }> = {};
  for (const at of atMs) {
    await sleep(Math.max(0, readyAt + at - performance.now()));
    out[String(at)] = treeRssMb(run.pid);
  }
  return out;
}

export interface Handshakes {
  concurrency: number;
  completed: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Devices whose first (pairing) connect did not reach hello-ok. */
  pairingFailures: Record<string, number>;
  failures: Record<string, number>;
}

/**
 * `concurrency` device identities; each first connects once (gateway token + signed device: loopback pairing),
 * then loops for durationMs: challenge -> signed connect with the gateway token -> hello-ok -> close. The same
 * auth a CLI on the gateway host presents. Latency is socket open to hello-ok.
 */
export async function handshakes(run: Running, concurrency: number, durationMs: number): Promise<Handshakes> {
  const pairing = new Failures();
  const devices: BenchDevice[] = [];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    const device = makeDevice();
    try {
      const { ws } = await connect(run.url, { gatewayToken: run.token, device, scopes: SCOPES });
      await closeAndWait(ws);
      devices.push(device);
    } catch (err) {
      pairing.add(err);
      devices.push(device); // keep the load shape; its failures are counted below
    }
  }));
  const lat: number[] = [];
  const failures = new Failures();
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  await Promise.all(devices.map(async (device) => {
    while (performance.now() < deadline && failures.total < MAX_FAILURES) {
      try {
        const { ws, latencyMs } = await connect(run.url, { gatewayToken: run.token, device, scopes: SCOPES });
        lat.push(latencyMs);
        await closeAndWait(ws);
      } catch (err) {
        failures.add(err);
        await sleep(10); // a refusing gateway must not turn this into a busy loop
      }
    }
  }));
  const elapsed = performance.now() - t0;
  const s = summarize(lat);
  return { concurrency, completed: lat.length, perSecond: (lat.length / elapsed) * 1000, p50Ms: s.p50, p99Ms: s.p99, pairingFailures: pairing.toJSON(), failures: failures.toJSON() };
}

/** Pipelined `health` on one signed, token-authenticated connection (warm-up first). */
export async function rpc(run: Running, warmMs: number, durationMs: number) {
  const device = makeDevice();
  const first = await connect(run.url, { gatewayToken: run.token, device, scopes: SCOPES });
  await closeAndWait(first.ws);
  const { ws } = await connect(run.url, { gatewayToken: run.token, device, scopes: SCOPES });
  try {
    await rpcPipeline(ws, warmMs, 64);
    return await rpcPipeline(ws, durationMs, 64);
  } finally {
    await closeAndWait(ws);
  }
}

/** Tree RSS with n token-authenticated (device-less) clients held open, 2 s after the last connected. */
export async function manyClients(run: Running, n: number) {
  const before = treeRssMb(run.pid).rssMb;
  const held = await holdClients(run.url, run.token, n, 50);
  await sleep(2000);
  const after = treeRssMb(run.pid).rssMb;
  await held.closeAll();
  return { requested: n, connected: held.sockets.length, rssBeforeMb: before, rssMb: after, failures: held.failures.toJSON(), drops: held.drops.toJSON() };
}
