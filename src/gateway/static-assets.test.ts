import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { acceptsEncoding, contentSecurityPolicy, defaultWebDir, resolveAssetPath, serveWebApp } from './static-assets.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request: the path goes out exactly as written (fetch would normalise `..`), no decompression. */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function serve(dir: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (!serveWebApp(dir, req, res)) {
      res.writeHead(404);
      res.end('not ours');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

describe('the dashboard files', () => {
  const root = mkdtempSync(join(tmpdir(), 'cg-web-'));
  const dir = join(root, 'web');
  const JS = 'export const answer = 42;\n'.repeat(20);
  let srv: { server: Server; port: number };

  before(async () => {
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title><script type="module" src="/assets/app-abc123.js"></script>');
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), JS);
    writeFileSync(join(dir, 'assets', 'app-abc123.js.gz'), gzipSync(JS));
    writeFileSync(join(dir, 'assets', 'app-abc123.css'), 'body{color:#000}');
    writeFileSync(join(dir, 'assets', 'notes.xyz'), 'no known type');
    // A secret beside the web dir that traversal must never reach.
    writeFileSync(join(root, 'secret.txt'), 'do not serve');
    srv = await serve(dir);
  });
  after(() => srv.server.close());

  test('/ is the page, with the strict headers and no caching', async () => {
    const r = await get(srv.port, '/', { host: `127.0.0.1:${srv.port}` });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-cache');
    const csp = String(r.headers['content-security-policy']);
    for (const part of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'", `connect-src 'self' ws://127.0.0.1:${srv.port}`]) {
      assert.ok(csp.includes(part), `${part} in ${csp}`);
    }
    assert.ok(!csp.includes('unsafe-inline'));
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
    assert.match(r.body.toString(), /app-abc123\.js/);
  });

  test('hashed assets: exact type, cached for a year, gzip when accepted and identity when not', async () => {
    const gz = await get(srv.port, '/assets/app-abc123.js', { 'accept-encoding': 'gzip, deflate' });
    assert.equal(gz.status, 200);
    assert.equal(gz.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(gz.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gz.headers['vary'], 'accept-encoding');
    assert.ok(gz.body.length < JS.length);
    const plain = await get(srv.port, '/assets/app-abc123.js', { 'accept-encoding': 'identity' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), JS);
    // No .br copy exists: a browser that prefers br still gets gzip.
    const br = await get(srv.port, '/assets/app-abc123.js', { 'accept-encoding': 'br, gzip' });
    assert.equal(br.headers['content-encoding'], 'gzip');
    const css = await get(srv.port, '/assets/app-abc123.css');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  });

  test('HEAD gives the headers without a body', async () => {
    const r = await get(srv.port, '/assets/app-abc123.js', {}, 'HEAD');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], String(Buffer.byteLength(JS)));
    assert.equal(r.body.length, 0);
  });

  test('traversal out of the asset dir is not served: .., encoded %2e%2e, encoded slashes, absolute paths', async () => {
    for (const path of ['/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2E%2E%2F%2E%2E%2Fsecret.txt', '/assets/..%5c..%5csecret.txt', '/assets//etc/passwd', '/assets/%2fetc%2fpasswd', '/assets/%00.js', '/assets/%zz.js']) {
      const r = await get(srv.port, path);
      assert.notEqual(r.status, 200, path);
      assert.ok(!r.body.toString().includes('do not serve'), path);
      assert.ok(!r.body.toString().includes('root:'), path);
    }
  });

  test('unknown types and missing assets are not served; other paths are not ours', async () => {
    assert.equal((await get(srv.port, '/assets/notes.xyz')).body.toString(), 'not ours');
    const missing = await get(srv.port, '/assets/gone-123.js');
    assert.equal(missing.status, 404);
    assert.match(missing.body.toString(), /older build/);
    assert.equal((await get(srv.port, '/nope')).body.toString(), 'not ours');
    assert.equal((await get(srv.port, '/', {}, 'POST')).body.toString(), 'not ours');
  });

  test('a dashboard that is not built answers 503 naming npm run build', async () => {
    const empty = await serve(join(root, 'missing'));
    try {
      const r = await get(empty.port, '/');
      assert.equal(r.status, 503);
      assert.match(r.body.toString(), /npm run build/);
    } finally {
      empty.server.close();
    }
  });
});

test('resolveAssetPath confines to the dir', () => {
  assert.equal(resolveAssetPath('/srv/web/assets', 'a.js'), '/srv/web/assets/a.js');
  assert.equal(resolveAssetPath('/srv/web/assets', '../index.html'), undefined);
  assert.equal(resolveAssetPath('/srv/web/assets', '%2e%2e/x'), undefined);
  assert.equal(resolveAssetPath('/srv/web/assets', '/etc/passwd'), '/srv/web/assets/etc/passwd');
  assert.equal(resolveAssetPath('/srv/web/assets', ''), undefined);
});

test('Accept-Encoding: q=0 refuses, * allows, absent means identity', () => {
  assert.equal(acceptsEncoding('gzip, br', 'br'), true);
  assert.equal(acceptsEncoding('gzip;q=0, br', 'gzip'), false);
  assert.equal(acceptsEncoding('*', 'gzip'), true);
  assert.equal(acceptsEncoding('*, gzip;q=0', 'gzip'), false);
  assert.equal(acceptsEncoding(undefined, 'gzip'), false);
  assert.equal(acceptsEncoding('GZIP', 'gzip'), true);
});

test('the CSP never echoes a Host header that is not a plain host', () => {
  assert.match(contentSecurityPolicy('127.0.0.1:18789'), /connect-src 'self' ws:\/\/127\.0\.0\.1:18789 wss:/);
  assert.match(contentSecurityPolicy('[::1]:18789'), /ws:\/\/\[::1\]:18789/);
  for (const evil of ["x; script-src 'unsafe-inline'", 'a b', undefined]) {
    assert.match(contentSecurityPolicy(evil), /connect-src 'self'; /);
  }
});

test('the web dir is dist/web from both the compiled module and the bundle', () => {
  assert.equal(defaultWebDir('file:///x/dist/src/gateway/static-assets.js'), '/x/dist/web');
  assert.equal(defaultWebDir('file:///x/dist/bundle/chunk-1.js'), '/x/dist/web');
});
