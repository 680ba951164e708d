import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROTOCOL_VERSION } from '../protocol/limits.js';
import { VERSION } from '../version.js';
import type { GatewayContext } from './context.js';

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** Plain HTTP on the control-plane port: /healthz for probes and supervisors; everything else is 404. */
export function handleHttp(gw: GatewayContext, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
    json(res, 200, { ok: true, version: VERSION, protocol: PROTOCOL_VERSION, pid: process.pid, uptimeMs: Date.now() - gw.startedAtMs, stateDirId: gw.stateDirId });
    return;
  }
  json(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `no route ${req.method} ${path?.slice(0, 100)}; the control plane is a WebSocket on this port, and GET /healthz answers probes` } });
}
