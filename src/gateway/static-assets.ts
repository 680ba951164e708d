import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Exact types of what Vite emits; anything else is not served (nothing is sniffed or guessed). */
const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Encodings we keep precompressed copies for, best first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Where `npm run build` puts the web app: `dist/web`, found from this module in dist/src/gateway or dist/bundle. */
export function defaultWebDir(moduleUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (basename(dir) === 'dist') return join(dir, 'web');
    const up = dirname(dir);
    if (up === dir) return resolve(dirname(fileURLToPath(moduleUrl)), '..', 'web');
    dir = up;
  }
}

/** A Host header we may echo into the CSP: a hostname or bracketed IPv6 with an optional port, nothing else. */
function safeHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  return /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(:\d{1,5})?$/.test(host) ? host : undefined;
}

/** The page's policy: only our own files run, nothing inline, no framing, no form posts, sockets to this gateway. */
export function contentSecurityPolicy(host: string | undefined): string {
  const h = safeHost(host);
  const connect = h ? `'self' ws://${h} wss://${h}` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${connect}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Whether Accept-Encoding allows an encoding (a `q=0` entry refuses it; `*` counts). */
export function acceptsEncoding(header: string | string[] | undefined, name: string): boolean {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  let star: boolean | undefined;
  for (const part of text.split(',')) {
    const [token, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    const t = token?.trim().toLowerCase();
    if (t === name) return allowed;
    if (t === '*') star = allowed;
  }
  return star ?? false;
}

/** The file a request path names inside dir, or undefined when it escapes dir or is not a plain path. */
export function resolveAssetPath(dir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const root = resolve(dir);
  const full = resolve(root, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  return full.startsWith(root + sep) ? full : undefined;
}

function text(res: ServerResponse, status: number, body: string, head: boolean): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(head ? undefined : body);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function send(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string>): Promise<void> {
  const head = req.method === 'HEAD';
  let chosen = file;
  let encoding: string | undefined;
  for (const e of ENCODINGS) {
    if (acceptsEncoding(req.headers['accept-encoding'], e.name) && (await isFile(file + e.suffix))) {
      chosen = file + e.suffix;
      encoding = e.name;
      break;
    }
  }
  const body = await readFile(chosen);
  res.writeHead(200, {
    ...headers,
    'content-type': MIME[extname(file)]!,
    'content-length': body.length,
    'x-content-type-options': 'nosniff',
    vary: 'accept-encoding',
    ...(encoding ? { 'content-encoding': encoding } : {}),
  });
  res.end(head ? undefined : body);
}

/**
 * Serve the built dashboard for GET/HEAD: `/` (and `/index.html`) with the strict page headers, `/assets/*`
 * (hashed names) cached for a year. Returns false for paths it does not own, so the caller answers 404.
 */
export function serveWebApp(dir: string, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const head = req.method === 'HEAD';
  const fail = (err: unknown) => {
    if (!res.headersSent) text(res, 500, `cannot read the dashboard's files: ${(err as Error).message}`, head);
    else res.destroy();
  };
  if (path === '/' || path === '/index.html') {
    const index = join(dir, 'index.html');
    void isFile(index)
      .then(async (built) => {
        if (!built) {
          text(res, 503, `the dashboard is not built (no ${index}): run npm run build in the Clawgate checkout, then reload\n`, head);
          return;
        }
        await send(req, res, index, {
          // The page is small and names the hashed assets: always revalidate it, so a new build shows at once.
          'cache-control': 'no-cache',
          'content-security-policy': contentSecurityPolicy(req.headers.host),
          'referrer-policy': 'no-referrer',
          'x-frame-options': 'DENY',
          'cross-origin-opener-policy': 'same-origin',
        });
      })
      .catch(fail);
    return true;
  }
  if (!path.startsWith('/assets/')) return false;
  const file = resolveAssetPath(join(dir, 'assets'), path.slice('/assets/'.length));
  if (!file || MIME[extname(file)] === undefined) return false;
  void isFile(file)
    .then(async (found) => {
      if (!found) {
        text(res, 404, `no asset ${path.slice(0, 100)}: the page may be from an older build; reload it\n`, head);
        return;
      }
      await send(req, res, file, { 'cache-control': IMMUTABLE, 'referrer-policy': 'no-referrer' });
    })
    .catch(fail);
  return true;
}
