/** Load scenarios against one gateway: many idle clients, paired-handshake churn, RPC on one socket. */
import type { WebSocket } from 'ws';
import { closeAndWait, connect, makeDevice, type BenchDevice } from './raw-connect.js';
import { summarize } from './stats.js';

/** Count failures by message (first 160 chars), so the report shows exact symptoms. */
export class Failures {
  readonly byMessage = new Map<string, number>();
  add(err: unknown): void {
    const m = (err instanceof Error ? err.message : String(err)).slice(0, 160);
    this.byMessage.set(m, (this.byMessage.get(m) ?? 0) + 1);
  }
  get total(): number {
    return [...this.byMessage.values()].reduce((a, b) => a + b, 0);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.byMessage);
  }
}

/** Run fn(i) for i < n with at most `concurrency` in flight. */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
}

export interface HeldClients {
  sockets: WebSocket[];
  failures: Failures;
  /** Unexpected closes while held (code + reason). */
  drops: Failures;
  openMs: number;
  closeAll(): Promise<void>;
}

/** Open n device-less, gateway-token connections (loopback) and keep them open. */
export async function holdClients(url: string, token: string, n: number, concurrency = 50): Promise<HeldClients> {
  const sockets: WebSocket[] = [];
  const failures = new Failures();
  const drops = new Failures();
  let closing = false;
  const t0 = performance.now();
  await pool(n, concurrency, async () => {
    try {
      const { ws } = await connect(url, { gatewayToken: token, scopes: ['operator.read'] });
      ws.on('close', (code, reason) => {
        if (!closing) drops.add(`closed ${code} ${reason.toString()}`);
      });
      sockets.push(ws);
    } catch (err) {
      failures.add(err);
    }
  });
  const openMs = performance.now() - t0;
  return {
    sockets,
    failures,
    drops,
    openMs,
    closeAll: async () => {
      closing = true;
      await pool(sockets.length, 200, (i) => closeAndWait(sockets[i]!));
    },
  };
}

/** Pair n fresh device identities: gateway-token connect, auto-approved on loopback, keep hello-ok.auth.deviceToken. */
export async function pairDevices(url: string, token: string, n: number): Promise<BenchDevice[]> {
  const devices: BenchDevice[] = [];
  await pool(n, 10, async () => {
    const device = makeDevice();
    const { ws, hello } = await connect(url, { gatewayToken: token, device, scopes: ['operator.read'] });
    await closeAndWait(ws);
    const dt = hello?.auth?.deviceToken;
    if (typeof dt !== 'string') throw new Error(`pairing connect returned no hello-ok.auth.deviceToken: ${JSON.stringify(hello?.auth)}`);
    devices.push({ ...device, deviceToken: dt });
  });
  return devices;
}

export interface HandshakeResult {
  concurrency: number;
  completed: number;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Handshakes whose hello-ok carried a freshly minted token (should be 0 after the first round). */
  reissued: number;
  failures: Record<string, number>;
}

/**
 * Each of the devices loops for durationMs: challenge -> signed connect with its device token -> hello-ok
 * -> close (waiting for the close handshake). Latency is socket open to hello-ok.
 */
export async function handshakeChurn(url: string, devices: BenchDevice[], durationMs: number, maxPerWorker = 100_000): Promise<HandshakeResult> {
  const lat: number[] = [];
  const failures = new Failures();
  let reissued = 0;
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  await Promise.all(
    devices.map(async (device) => {
      for (let i = 0; i < maxPerWorker && performance.now() < deadline; i++) {
        try {
          const { ws, hello, latencyMs } = await connect(url, { device, scopes: ['operator.read'] });
          lat.push(latencyMs);
          if (hello?.auth?.deviceToken) {
            reissued++;
            device.deviceToken = hello.auth.deviceToken;
          }
          await closeAndWait(ws);
        } catch (err) {
          failures.add(err);
          if (failures.total > 1000) return;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - t0;
  const s = summarize(lat);
  return { concurrency: devices.length, completed: lat.length, elapsedMs, perSecond: (lat.length / elapsedMs) * 1000, p50Ms: s.p50, p99Ms: s.p99, maxMs: s.max, reissued, failures: failures.toJSON() };
}

export interface RpcResult {
  mode: string;
  window: number;
  completed: number;
  errors: Record<string, number>;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Pipelined `health` requests on one socket with a fixed window in flight: every response sends the next
 * request until durationMs has passed, then the window drains. Window stays under the gateway's 256 limit.
 */
export function rpcPipeline(ws: WebSocket, durationMs: number, window = 128, maxRequests = 5_000_000): Promise<RpcResult> {
  return new Promise((resolve, reject) => {
    const sentAt = new Map<string, number>();
    const lat: number[] = [];
    const errors = new Failures();
    let seq = 0;
    const t0 = performance.now();
    const deadline = t0 + durationMs;
    const sendOne = () => {
      const id = String(++seq);
      sentAt.set(id, performance.now());
      ws.send(`{"type":"req","id":"${id}","method":"health"}`);
    };
    const finish = () => {
      ws.off('message', onMessage);
      const elapsedMs = performance.now() - t0;
      const s = summarize(lat);
      const completed = lat.length;
      resolve({ mode: `pipelined, ${window} in flight`, window, completed, errors: errors.toJSON(), elapsedMs, perSecond: (completed / elapsedMs) * 1000, p50Ms: s.p50, p99Ms: s.p99 });
    };
    const onMessage = (data: Buffer) => {
      const frame = JSON.parse(data.toString());
      if (frame.type !== 'res') return;
      const t = sentAt.get(frame.id);
      if (t === undefined) return;
      sentAt.delete(frame.id);
      if (frame.ok) lat.push(performance.now() - t);
      else errors.add(`${frame.error?.code}: ${frame.error?.message}`);
      if (performance.now() < deadline && seq < maxRequests) sendOne();
      else if (sentAt.size === 0) finish();
    };
    ws.on('message', onMessage);
    ws.once('close', (code, reason) => reject(new Error(`RPC socket closed ${code} ${reason.toString()} after ${lat.length} replies`)));
    for (let i = 0; i < window; i++) sendOne();
  });
}
