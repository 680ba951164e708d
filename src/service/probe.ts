import { get } from 'node:http';

/** How long a diagnosing probe (doctor) waits for /healthz. */
export const HEALTHZ_TIMEOUT_MS = 2_000;
const MAX_BODY_BYTES = 4_096;

/** What /healthz says about the gateway on a port, or undefined when nothing healthy answers. */
export interface HealthzInfo {
  ok: boolean;
  version: string;
  pid: number;
  uptimeMs: number;
  stateDirId: string;
  ts?: number;
  /** Only for loopback-direct probes. */
  auth?: { mode: string; token: { source: 'flag' | 'env' | 'config' | 'none'; fingerprint?: string } };
}

/** What answered on the gateway port. */
export interface HealthzProbe {
  /** Something accepted the TCP connection. */
  listening: boolean;
  /** It answered /healthz like a Clawgate gateway. */
  clawgate: boolean;
  pid?: number | undefined;
  stateDirId?: string | undefined;
  version?: string | undefined;
  /** The whole /healthz answer when it came from a Clawgate gateway with status 200. */
  info?: HealthzInfo | undefined;
  /** The peer's clock from its HTTP Date header (second resolution). */
  remoteDateMs?: number | undefined;
  /** Our clock at the midpoint of the request. */
  localMidMs: number;
  /** Why the probe could not tell more (timeout, not HTTP, ...). */
  note?: string | undefined;
}

/** GET /healthz on host:port and say what answered (node:http: no undici start-up cost). Never sends a credential. */
export function probeEndpoint(host: string, port: number, timeoutMs = HEALTHZ_TIMEOUT_MS): Promise<HealthzProbe> {
  const sent = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (p: Omit<HealthzProbe, 'localMidMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...p, localMidMs: Math.round((sent + Date.now()) / 2) });
    };
    const req = get({ host, port, path: '/healthz', agent: false, timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
      const date = Date.parse(res.headers.date ?? '');
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < MAX_BODY_BYTES) body += chunk;
      });
      res.on('end', () => {
        const base = { listening: true, ...(Number.isFinite(date) ? { remoteDateMs: date } : {}) };
        try {
          const j = JSON.parse(body) as { ok?: unknown; pid?: unknown; stateDirId?: unknown; version?: unknown };
          if (j.ok === true && typeof j.stateDirId === 'string') {
            const info = res.statusCode === 200 ? { info: j as HealthzInfo } : {};
            done({ ...base, ...info, clawgate: true, stateDirId: j.stateDirId, ...(typeof j.pid === 'number' ? { pid: j.pid } : {}), ...(typeof j.version === 'string' ? { version: j.version } : {}) });
            return;
          }
        } catch {
          // not JSON: some other program
        }
        done({ ...base, clawgate: false, note: `answered HTTP ${res.statusCode} but not as a Clawgate gateway` });
      });
      res.on('error', () => done({ listening: true, clawgate: false, note: 'broke off its HTTP answer' }));
    });
    req.on('timeout', () => {
      done({ listening: true, clawgate: false, note: `did not answer HTTP within ${timeoutMs} ms` });
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done({ listening: false, clawgate: false });
      else if (err.code?.startsWith('HPE_')) done({ listening: true, clawgate: false, note: `does not speak HTTP (${err.code})` });
      else done({ listening: err.code !== 'EHOSTUNREACH' && err.code !== 'EADDRNOTAVAIL', clawgate: false, note: `could not be probed (${err.code ?? err.message})` });
    });
  });
}

/** The /healthz answer of the Clawgate gateway on a loopback port, or undefined when none answers healthy. */
export async function probeHealthz(port: number, timeoutMs = 1_000): Promise<HealthzInfo | undefined> {
  return (await probeEndpoint('127.0.0.1', port, timeoutMs)).info;
}
