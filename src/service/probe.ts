import { get } from 'node:http';

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

/** GET http://127.0.0.1:<port>/healthz with a short timeout (node:http: cheap to load). */
export function probeHealthz(port: number, timeoutMs = 1_000): Promise<HealthzInfo | undefined> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 8192) body += chunk;
      });
      res.on('end', () => {
        try {
          const info = JSON.parse(body) as HealthzInfo;
          resolve(res.statusCode === 200 && info.ok === true ? info : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
