import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROTOCOL_VERSION } from '../protocol/limits.js';
import { VERSION } from '../version.js';
import type { GatewayContext } from './context.js';
import { classifyLocality } from './locality.js';
import { defaultWebDir, serveWebApp } from './static-assets.js';

/** The built dashboard (`npm run build` writes it); looked up once, read per request. */
const WEB_DIR = defaultWebDir();

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** Plain HTTP on the control-plane port: /healthz for probes and supervisors, the dashboard at /; everything else is 404. */
export function handleHttp(gw: GatewayContext, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
    const body: Record<string, unknown> = { ok: true, version: VERSION, protocol: PROTOCOL_VERSION, pid: process.pid, uptimeMs: Date.now() - gw.startedAtMs, ts: Date.now(), stateDirId: gw.stateDirId };
    // The token's provenance and fingerprint (never the token) let a refused CLI on this host name the
    // drift; off-host probes do not get it.
    if (classifyLocality(req) === 'loopback-direct') {
      const t = gw.gatewayToken;
      body['auth'] = { mode: gw.config.authMode, token: t.secret ? { source: t.source, fingerprint: t.secret.fingerprint } : { source: t.source } };
    }
    json(res, 200, body);
    return;
  }
  if (serveWebApp(WEB_DIR, req, res)) return;
  json(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `no route ${req.method} ${path?.slice(0, 100)}; the control plane is a WebSocket on this port, GET /healthz answers probes, and GET / is the dashboard` } });
}
