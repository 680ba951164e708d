import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { reply, startWebServer } from '../../../../test/helpers/web-server.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import type { FetchSettings } from '../../tool-settings.js';
import { contentKind, fetchPage, type FetchRequest } from './fetch-page.js';
import type { Resolver } from './ssrf-guard.js';

const ARTICLE = `<!doctype html><html><head><title>Tide tables explained</title><style>body{color:red}</style></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>Tide tables explained</h1>
<p>Tides rise and fall twice a day because of the moon. <a href="/moon">Read about the moon</a>. ${'The water moves in a slow and steady rhythm along the coast. '.repeat(12)}</p>
<h2>Reading a table</h2>
<ul><li>High water</li><li>Low water</li></ul>
<p>${'Each row gives a time and a height above chart datum. '.repeat(12)}</p>
<script>document.title = 'hacked'</script></article>
<footer>Copyright</footer></body></html>`;

function settings(over: Partial<FetchSettings> = {}): FetchSettings {
  return { enabled: true, maxChars: 50_000, maxBytes: 2 * 1024 * 1024, timeoutMs: 10_000, maxRedirects: 5, cacheMs: 0, allowPrivate: [], ...over };
}

function request(url: string, over: Partial<FetchSettings> = {}, extra: Partial<FetchRequest> = {}): FetchRequest {
  return { url, mode: 'markdown', maxChars: 50_000, settings: settings(over), signal: new AbortController().signal, ...extra };
}

async function rejection(p: Promise<unknown>): Promise<ClawgateError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ClawgateError, String((err as Error).stack));
    return err;
  }
  assert.fail('expected a ClawgateError');
}

test('an HTML article becomes markdown with its title; nav, scripts and styles are gone; links are absolute', async (t) => {
  const site = await startWebServer(t, (_req, res) => reply(res, 200, 'text/html; charset=utf-8', ARTICLE));
  const page = await fetchPage(request(`${site.origin}/tides`, { allowPrivate: ['127.0.0.1'] }));
  assert.equal(page.title, 'Tide tables explained');
  assert.equal(page.status, 200);
  assert.equal(page.contentType, 'text/html');
  assert.equal(page.finalUrl, `${site.origin}/tides`);
  assert.equal(page.truncated, false);
  assert.match(page.text, /^## Reading a table$/m);
  assert.match(page.text, /^-\s+High water$/m);
  assert.match(page.text, new RegExp(`\\[Read about the moon\\]\\(${site.origin}/moon\\)`));
  assert.doesNotMatch(page.text, /hacked|color:red|Copyright|<p>|<script/);
  const text = await fetchPage(request(`${site.origin}/tides`, { allowPrivate: ['127.0.0.1'] }, { mode: 'text' }));
  assert.match(text.text, /Tides rise and fall twice a day because of the moon\. Read about the moon\./);
  assert.doesNotMatch(text.text, /\]\(|##/);
  assert.equal(site.requests[0]!.method, 'GET');
  assert.match(String(site.requests[0]!.headers['user-agent']), /^Clawgate\//);
});

test('a page where Readability finds no article gives its body text, without scripts', async (t) => {
  const site = await startWebServer(t, (_req, res) => reply(res, 200, 'text/html', '<html><head><title> Tiny </title></head><body><script>var x = 1;</script></body></html>'));
  const page = await fetchPage(request(`${site.origin}/`, { allowPrivate: ['127.0.0.1'] }));
  assert.equal(page.title, 'Tiny');
  assert.equal(page.text, '');
  // Readability finds no article in an aside; the body's text is what there is.
  const site2 = await startWebServer(t, (_req, res) => reply(res, 200, 'text/html', '<html><body><aside>Opening <b>hours</b>:\n   9 to 5</aside><script>evil()</script><style>p{}</style></body></html>'));
  const page2 = await fetchPage(request(`${site2.origin}/`, { allowPrivate: ['127.0.0.1'] }));
  assert.equal(page2.text, 'Opening hours:\n9 to 5');
});

test('the same server is refused without the allowlist, before any request reaches it', async (t) => {
  const site = await startWebServer(t, (_req, res) => reply(res, 200, 'text/plain', 'secret intranet page'));
  const err = await rejection(fetchPage(request(`${site.origin}/`)));
  assert.equal(err.code, 'WEB_FETCH_BLOCKED');
  assert.match(err.message, /refused 127\.0\.0\.1: a loopback address/);
  assert.match(err.message, /tools\.web\.fetch\.allowPrivate/);
  assert.equal(site.requests.length, 0);
  // An allowlist for another address does not cover it.
  assert.equal((await rejection(fetchPage(request(`${site.origin}/`, { allowPrivate: ['127.0.0.2', '10.0.0.0/8'] })))).code, 'WEB_FETCH_BLOCKED');
  assert.equal(site.requests.length, 0);
});

test('text, markdown and JSON pass as text, decoded by the charset the header names', async (t) => {
  const site = await startWebServer(t, (req, res) => {
    if (req.path === '/plain') reply(res, 200, 'text/plain', '  plain words  ');
    else if (req.path === '/md') reply(res, 200, 'text/markdown; charset=UTF-8', '# Title\n\nbody');
    else if (req.path === '/json') reply(res, 200, 'application/problem+json', '{"a":1}');
    else if (req.path === '/latin1') reply(res, 200, 'text/plain; charset="ISO-8859-1"', Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    else reply(res, 200, 'text/plain; charset=no-such-charset', 'caf\u00e9');
  });
  const get = (path: string) => fetchPage(request(`${site.origin}${path}`, { allowPrivate: ['127.0.0.1'] }));
  assert.equal((await get('/plain')).text, 'plain words');
  assert.deepEqual([(await get('/md')).text, (await get('/md')).contentType], ['# Title\n\nbody', 'text/markdown']);
  assert.equal((await get('/json')).text, '{"a":1}');
  assert.equal((await get('/latin1')).text, 'café');
  assert.equal((await get('/unknown')).text, 'café');
});

test('a binary content type is refused, naming the type, and its body is not read', async (t) => {
  const site = await startWebServer(t, (req, res) => {
    if (req.path === '/none') {
      res.writeHead(200);
      res.end('x');
    } else reply(res, 200, req.path === '/png' ? 'image/png' : 'application/octet-stream', Buffer.alloc(64 * 1024));
  });
  for (const [path, type] of [['/png', 'image/png'], ['/bin', 'application/octet-stream'], ['/none', 'no content type']]) {
    const err = await rejection(fetchPage(request(`${site.origin}${path}`, { allowPrivate: ['127.0.0.1'] })));
    assert.equal(err.code, 'WEB_FETCH_UNSUPPORTED', path);
    assert.match(err.message, new RegExp(`sent ${type}, which is not text`), path);
  }
});

test('contentKind: HTML, text types and JSON or XML are read; everything else is not', () => {
  assert.deepEqual(['text/html', 'application/xhtml+xml', 'text/plain', 'text/markdown', 'text/csv', 'application/json', 'application/ld+json', 'application/rss+xml', 'application/xml'].map(contentKind), ['html', 'html', 'text', 'text', 'text', 'text', 'text', 'text', 'text']);
  assert.deepEqual(['image/png', 'application/pdf', 'application/octet-stream', 'video/mp4', 'application/zip', '', 'application/json5x'].map(contentKind), [undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
});

function redirector(hops: number, finalBody = 'arrived'): (req: { path: string }, res: import('node:http').ServerResponse) => void {
  return (req, res) => {
    const n = Number(/^\/hop\/(\d+)$/.exec(req.path)?.[1] ?? 0);
    if (n > 0) {
      res.writeHead(n % 2 === 0 ? 302 : 308, { location: `/hop/${n - 1}` });
      res.end();
    } else reply(res, 200, 'text/plain', finalBody);
  };
}

test('a redirect chain within maxRedirects is followed to its end; one over it is refused, naming the key', async (t) => {
  const site = await startWebServer(t, redirector(3));
  const page = await fetchPage(request(`${site.origin}/hop/3`, { allowPrivate: ['127.0.0.1'], maxRedirects: 3 }));
  assert.equal(page.text, 'arrived');
  assert.equal(page.url, `${site.origin}/hop/3`);
  assert.equal(page.finalUrl, `${site.origin}/hop/0`);
  assert.equal(site.requests.length, 4);
  const err = await rejection(fetchPage(request(`${site.origin}/hop/3`, { allowPrivate: ['127.0.0.1'], maxRedirects: 2 })));
  assert.equal(err.code, 'WEB_FETCH_UNSUPPORTED');
  assert.match(err.message, /more than 2 redirects \(tools\.web\.fetch\.maxRedirects\)/);
  assert.equal(site.requests.length, 7, 'the third redirect is not followed');
  assert.equal((await rejection(fetchPage(request(`${site.origin}/hop/1`, { allowPrivate: ['127.0.0.1'], maxRedirects: 0 })))).code, 'WEB_FETCH_UNSUPPORTED');
});

test('every redirect hop is checked: an allowlisted server cannot bounce the agent to a non-allowlisted one', async (t) => {
  const inner = await startWebServer(t, (_req, res) => reply(res, 200, 'text/plain', 'admin panel'), '127.0.0.1');
  const outer = await startWebServer(t, (req, res) => {
    const to = req.path === '/to-ip' ? `${inner.origin}/admin` : req.path === '/to-name' ? `http://localhost:${inner.port}/admin` : req.path === '/to-decimal' ? `http://2130706433:${inner.port}/` : 'file:///etc/passwd';
    res.writeHead(302, { location: to });
    res.end();
  }, '127.0.0.2');
  for (const [path, host] of [['/to-ip', '127.0.0.1'], ['/to-decimal', '127.0.0.1'], ['/to-name', 'localhost']]) {
    const err = await rejection(fetchPage(request(`${outer.origin}${path}`, { allowPrivate: ['127.0.0.2'] })));
    assert.equal(err.code, 'WEB_FETCH_BLOCKED', path);
    assert.equal(err.details.host, host, path);
    assert.match(String(err.details.address), /^(127\.0\.0\.1|::1)$/, path);
  }
  const scheme = await rejection(fetchPage(request(`${outer.origin}/to-file`, { allowPrivate: ['127.0.0.2'] })));
  assert.equal(scheme.code, 'INVALID_PARAMS');
  assert.equal(inner.requests.length, 0, 'the non-allowlisted server never got a request');
  // With both allowlisted the same chain works.
  assert.equal((await fetchPage(request(`${outer.origin}/to-ip`, { allowPrivate: ['127.0.0.2', '127.0.0.1'] }))).text, 'admin panel');
});

test('a hostname is judged by the address it resolves to, at connect time: localhost is refused unless allowlisted', async (t) => {
  const site = await startWebServer(t, (_req, res) => reply(res, 200, 'text/plain', 'local'), '127.0.0.1');
  const err = await rejection(fetchPage(request(`http://localhost:${site.port}/`)));
  assert.equal(err.code, 'WEB_FETCH_BLOCKED');
  assert.match(err.message, /refused localhost \((127\.0\.0\.1|::1)\): a loopback address/);
  assert.equal(site.requests.length, 0);
  assert.equal((await fetchPage(request(`http://localhost:${site.port}/`, { allowPrivate: ['localhost'] }))).text, 'local');
});

test('the connection goes to the address the guard checked: an injected DNS answer is what is connected to', async (t) => {
  const site = await startWebServer(t, (req, res) => reply(res, 200, 'text/plain', `host header ${req.headers.host}`), '127.0.0.1');
  const resolve: Resolver = (hostname, _o, cb) => (hostname === 'wiki.example' ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, [{ address: '93.184.216.34', family: 4 }, { address: '10.9.8.7', family: 4 }]));
  const err = await rejection(fetchPage(request(`http://wiki.example:${site.port}/`, {}, { resolve })));
  assert.deepEqual([err.code, err.details.host, err.details.address], ['WEB_FETCH_BLOCKED', 'wiki.example', '127.0.0.1']);
  const mixed = await rejection(fetchPage(request(`http://mixed.example:${site.port}/`, {}, { resolve })));
  assert.deepEqual([mixed.code, mixed.details.address], ['WEB_FETCH_BLOCKED', '10.9.8.7']);
  assert.equal(site.requests.length, 0);
  const page = await fetchPage(request(`http://wiki.example:${site.port}/`, { allowPrivate: ['127.0.0.1'] }, { resolve }));
  assert.equal(page.text, `host header wiki.example:${site.port}`);
});

test('an endless body is cut at maxBytes: reading stops, the connection is dropped, the page is marked truncated', async (t) => {
  const site = await startWebServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = 'all work and no play '.repeat(200);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  const page = await fetchPage(request(`${site.origin}/forever`, { allowPrivate: ['127.0.0.1'], maxBytes: 16 * 1024 }));
  assert.equal(page.truncated, true);
  // The cut text ends in a space that trimming drops.
  assert.equal(page.text, ('all work and no play '.repeat(1000)).slice(0, 16 * 1024).trim());
  while (site.aborted.count === 0) await new Promise((r) => setTimeout(r, 10));
  assert.equal(site.aborted.count, 1);
});

test('a body of exactly maxBytes is whole; text over maxChars is cut and marked', async (t) => {
  const site = await startWebServer(t, (_req, res) => reply(res, 200, 'text/plain', 'x'.repeat(4096)));
  const whole = await fetchPage(request(`${site.origin}/`, { allowPrivate: ['127.0.0.1'], maxBytes: 4096 }));
  assert.deepEqual([whole.text.length, whole.truncated], [4096, false]);
  const cut = await fetchPage(request(`${site.origin}/`, { allowPrivate: ['127.0.0.1'] }, { maxChars: 1000 }));
  assert.deepEqual([cut.text.length, cut.truncated], [1000, true]);
});

test('a server that does not answer, or trickles its body, hits the total timeout with a clear error', async (t) => {
  const site = await startWebServer(t, (req, res) => {
    if (req.path === '/trickle') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(timer));
    }
    // '/hang' never answers.
  });
  for (const path of ['/hang', '/trickle']) {
    const err = await rejection(fetchPage(request(`${site.origin}${path}`, { allowPrivate: ['127.0.0.1'], timeoutMs: 300 })));
    assert.equal(err.code, 'WEB_FETCH_FAILED', path);
    assert.equal(err.details.reason, 'timeout', path);
    assert.match(err.message, /after 0\.3 s .*tools\.web\.fetch\.timeoutSeconds/, path);
  }
});

test('the caller aborting stops the fetch with its own reason, not a fetch failure', async (t) => {
  const site = await startWebServer(t, () => undefined);
  const ac = new AbortController();
  const p = fetchPage(request(`${site.origin}/`, { allowPrivate: ['127.0.0.1'] }, { signal: ac.signal }));
  while (site.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
  ac.abort(new Error('run aborted'));
  await assert.rejects(p, (err: Error) => !(err instanceof ClawgateError));
});

test('a refused connection and a bad URL are errors that say what happened', async () => {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  const err = await rejection(fetchPage(request(`http://127.0.0.1:${port}/`, { allowPrivate: ['127.0.0.1'] })));
  assert.equal(err.code, 'WEB_FETCH_FAILED');
  assert.equal(err.details.reason, 'ECONNREFUSED');
  const bad = await rejection(fetchPage(request('not a url')));
  assert.equal(bad.code, 'INVALID_PARAMS');
  assert.match(bad.message, /absolute http\(s\) URL/);
});
