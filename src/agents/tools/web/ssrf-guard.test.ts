import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { classifyAddress, METADATA_HOSTNAMES, normalHostname, parseAllowlist, SsrfGuard, type Resolver } from './ssrf-guard.js';

// Every address web_fetch must never reach by default, with the range it is refused as.
const REFUSED: readonly [string, string][] = [
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.0.1', 'private'],
  ['192.168.255.255', 'private'],
  ['169.254.0.1', 'linkLocal'],
  ['169.254.169.254', 'linkLocal'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['100.127.255.255', 'carrierGradeNat'],
  ['100.100.100.200', 'carrierGradeNat'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['192.0.0.192', 'reserved'],
  ['192.0.2.1', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['198.51.100.7', 'reserved'],
  ['203.0.113.9', 'reserved'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['fe80::1', 'linkLocal'],
  ['febf:ffff::1', 'linkLocal'],
  ['fc00::1', 'uniqueLocal'],
  ['fd00:ec2::254', 'uniqueLocal'],
  ['fdff:ffff::1', 'uniqueLocal'],
  ['ff02::1', 'multicast'],
  ['fec0::1', 'deprecatedSiteLocal'],
  ['::ffff:127.0.0.1', 'ipv4Mapped loopback'],
  ['::ffff:7f00:1', 'ipv4Mapped loopback'],
  ['[::ffff:7f00:1]', 'ipv4Mapped loopback'],
  ['::ffff:10.1.2.3', 'ipv4Mapped private'],
  ['::ffff:169.254.169.254', 'ipv4Mapped linkLocal'],
  ['::ffff:0:127.0.0.1', 'rfc6145 loopback'],
  ['64:ff9b::127.0.0.1', 'rfc6052 loopback'],
  ['64:ff9b::a00:1', 'rfc6052 private'],
  ['64:ff9b::a9fe:a9fe', 'rfc6052 linkLocal'],
  ['64:ff9b:1::1', 'rfc6052'],
  ['::127.0.0.1', 'ipv4Compatible'],
  ['::8.8.8.8', 'ipv4Compatible'],
  ['::a00:1', 'ipv4Compatible'],
  ['2002:7f00:1::1', '6to4'],
  ['2001::1', 'teredo'],
  ['2001:db8::1', 'reserved'],
  ['2001:2::1', 'benchmarking'],
  ['100::1', 'discard'],
  ['4000::1', 'reserved'],
  ['1000::1', 'reserved'],
  ['not-an-ip', 'notAnIp'],
  ['0x7f.0.0.1', 'notAnIp'],
  ['2130706433', 'notAnIp'],
  ['', 'notAnIp'],
  ['fe80::1%eth0', 'notAnIp'],
  ['127.0.0.1/8', 'notAnIp'],
];

const PUBLIC: readonly string[] = ['1.1.1.1', '8.8.8.8', '93.184.216.34', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '169.253.255.255', '169.255.0.1', '11.0.0.1', '192.169.0.1', '223.255.255.255', '2606:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808', '2a00:1450::1'];

test('classifyAddress refuses every loopback, private, link-local, CGNAT, multicast, reserved and embedding address, naming its range', () => {
  for (const [address, range] of REFUSED) assert.equal(classifyAddress(address), range, address);
});

test('classifyAddress lets public unicast addresses through, including the edges next to the refused ranges', () => {
  for (const address of PUBLIC) assert.equal(classifyAddress(address), undefined, address);
});

function refusal(fn: () => void): ClawgateError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ClawgateError, String(err));
    return err;
  }
  assert.fail('expected a refusal');
}

function checkHref(guard: SsrfGuard, href: string): void {
  guard.checkUrl(new URL(href));
}

test('IP literals in any notation are normalised by the URL parser and refused', () => {
  const guard = new SsrfGuard([]);
  const cases: [string, string][] = [
    ['http://127.0.0.1/', '127.0.0.1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://0x7f.0.0.1/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
    ['http://[::1]:8080/', '::1'],
    ['http://[::ffff:7f00:1]/', '::ffff:7f00:1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[0:0:0:0:0:ffff:a9fe:a9fe]/latest/meta-data/', '::ffff:a9fe:a9fe'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://10.0.0.1./', '10.0.0.1'],
    ['http://%31%32%37.0.0.1/', '127.0.0.1'],
  ];
  for (const [href, address] of cases) {
    const err = refusal(() => checkHref(guard, href));
    assert.equal(err.code, 'WEB_FETCH_BLOCKED', href);
    assert.equal(err.details.address, address, href);
    assert.match(err.message, new RegExp(`refused ${address.replace(/[.]/g, '\\.')}`), href);
    assert.match(err.message, /tools\.web\.fetch\.allowPrivate/, href);
    assert.match(err.message, /clawgate config set tools\.web\.fetch\.allowPrivate '\[".+"\]'/, href);
  }
});

test('only http and https, and never credentials in the URL (which are not echoed)', () => {
  const guard = new SsrfGuard([]);
  for (const href of ['file:///etc/passwd', 'ftp://example.com/', 'gopher://example.com/', 'data:text/plain,hi', 'javascript:alert(1)', 'ws://example.com/']) {
    const err = refusal(() => checkHref(guard, href));
    assert.equal(err.code, 'INVALID_PARAMS', href);
    assert.match(err.message, /only fetches http and https/, href);
  }
  const err = refusal(() => checkHref(guard, 'https://alice:hunter2@example.com/'));
  assert.equal(err.code, 'INVALID_PARAMS');
  assert.doesNotMatch(err.message + JSON.stringify(err.details), /hunter2|alice/);
  assert.equal(refusal(() => checkHref(guard, 'https://token@example.com/')).code, 'INVALID_PARAMS');
  assert.doesNotThrow(() => checkHref(guard, 'https://example.com/page?q=1'));
  assert.doesNotThrow(() => checkHref(guard, 'http://8.8.8.8/'));
  assert.doesNotThrow(() => checkHref(guard, 'http://[2606:4700::1111]/'));
});

test('cloud metadata hostnames are refused by name, whatever their case or trailing dot', () => {
  const guard = new SsrfGuard([]);
  for (const name of [...METADATA_HOSTNAMES, 'METADATA.google.internal', 'metadata.google.internal.']) {
    const err = refusal(() => checkHref(guard, `http://${name}/computeMetadata/v1/`));
    assert.equal(err.code, 'WEB_FETCH_BLOCKED', name);
    assert.match(err.message, /cloud metadata hostname/, name);
    assert.equal(err.details.address, undefined);
  }
  // A hostname is otherwise judged by its addresses, at connect time.
  assert.doesNotThrow(() => checkHref(guard, 'http://metadata.example.com/'));
  assert.doesNotThrow(() => checkHref(guard, 'http://localhost:1/'));
});

test('allowlist entries: exact hostnames, IP literals (matching their IPv4-mapped form) and CIDRs, nothing wider', () => {
  const guard = new SsrfGuard(['wiki.LAN', '127.0.0.2', '10.1.0.0/16', 'fd12::/16', '::1', 'metadata.google.internal', 'not a cidr/99']);
  assert.doesNotThrow(() => guard.checkAddress('127.0.0.2', '127.0.0.2'));
  assert.doesNotThrow(() => guard.checkAddress('x', '::ffff:127.0.0.2'));
  assert.doesNotThrow(() => guard.checkAddress('x', '10.1.255.255'));
  assert.doesNotThrow(() => guard.checkAddress('x', 'fd12:3456::1'));
  assert.doesNotThrow(() => guard.checkAddress('x', '::1'));
  assert.doesNotThrow(() => guard.checkAddress('wiki.lan.', '192.168.1.5'));
  assert.doesNotThrow(() => guard.checkAddress('Wiki.Lan', '127.0.0.1'));
  assert.doesNotThrow(() => checkHref(guard, 'http://metadata.google.internal/'));
  assert.doesNotThrow(() => checkHref(guard, 'http://127.0.0.2:9/'));
  assert.doesNotThrow(() => checkHref(guard, 'http://[::1]:9/'));
  for (const [host, address] of [['x', '127.0.0.1'], ['x', '127.0.0.3'], ['x', '10.2.0.1'], ['x', 'fd13::1'], ['x', '::ffff:127.0.0.1'], ['wiki.lan.example', '192.168.1.5'], ['lan', '192.168.1.5'], ['metadata', '169.254.169.254']] as const) {
    assert.equal(refusal(() => guard.checkAddress(host, address)).code, 'WEB_FETCH_BLOCKED', `${host} ${address}`);
  }
  assert.equal(refusal(() => checkHref(guard, 'http://127.0.0.1/')).code, 'WEB_FETCH_BLOCKED');
  assert.equal(refusal(() => checkHref(guard, 'http://metadata/')).code, 'WEB_FETCH_BLOCKED');
});

test('an IPv4-mapped IPv6 CIDR in the allowlist covers the IPv4 addresses it maps', () => {
  const guard = new SsrfGuard(['::ffff:192.168.3.0/120']);
  assert.doesNotThrow(() => guard.checkAddress('x', '192.168.3.4'));
  assert.doesNotThrow(() => guard.checkAddress('x', '::ffff:192.168.3.255'));
  assert.equal(refusal(() => guard.checkAddress('x', '192.168.4.4')).code, 'WEB_FETCH_BLOCKED');
});

test('parseAllowlist sorts entries into hostnames and ranges; normalHostname lower-cases and drops the root dot', () => {
  const list = parseAllowlist([' Host.Example. ', '1.2.3.4', '10.0.0.0/8', '[::1]', 'bad/cidr']);
  assert.deepEqual([...list.hosts], ['host.example']);
  assert.deepEqual(list.ranges.map(([a, bits]) => `${a.toString()}/${bits}`), ['1.2.3.4/32', '10.0.0.0/8', '::1/128']);
  assert.equal(normalHostname('A.B.'), 'a.b');
});

function resolverOf(answers: Record<string, LookupAddress[]>): Resolver {
  return (hostname, _options, callback) => {
    const found = answers[hostname];
    if (!found) callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    else callback(null, found);
  };
}

function lookupOnce(guard: SsrfGuard, resolver: Resolver, hostname: string, all: boolean): Promise<{ err: Error | null; address: unknown; family?: number }> {
  return new Promise((resolve) => guard.lookup(resolver)(hostname, { all }, (err, address, family) => resolve({ err, address, family: family as number })));
}

test('the connect-time lookup refuses a hostname if any address it resolves to is refused, naming host and address', async () => {
  const guard = new SsrfGuard([]);
  const resolver = resolverOf({
    'intranet.example': [{ address: '10.0.0.5', family: 4 }],
    'mixed.example': [{ address: '93.184.216.34', family: 4 }, { address: '::1', family: 6 }],
    'public.example': [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700::1111', family: 6 }],
    'empty.example': [],
  });
  for (const [host, address] of [['intranet.example', '10.0.0.5'], ['mixed.example', '::1']] as const) {
    const { err } = await lookupOnce(guard, resolver, host, false);
    assert.ok(err instanceof ClawgateError, host);
    assert.equal(err.code, 'WEB_FETCH_BLOCKED');
    assert.deepEqual([err.details.host, err.details.address], [host, address]);
    assert.match(err.message, new RegExp(`refused ${host} \\(${address.replace(/[.]/g, '\\.')}\\)`));
  }
  assert.deepEqual(await lookupOnce(guard, resolver, 'public.example', false), { err: null, address: '93.184.216.34', family: 4 });
  const all = await lookupOnce(guard, resolver, 'public.example', true);
  assert.equal(all.err, null);
  assert.deepEqual(all.address, [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700::1111', family: 6 }]);
  assert.equal(((await lookupOnce(guard, resolver, 'missing.example', false)).err as NodeJS.ErrnoException).code, 'ENOTFOUND');
  assert.equal(((await lookupOnce(guard, resolver, 'empty.example', true)).err as NodeJS.ErrnoException).code, 'ENOTFOUND');
});

test('the lookup lets an allowlisted hostname or address through, and only that', async () => {
  const resolver = resolverOf({ 'wiki.lan': [{ address: '192.168.1.5', family: 4 }], 'nas.lan': [{ address: '192.168.1.6', family: 4 }], 'printer.lan': [{ address: '192.168.1.7', family: 4 }] });
  const guard = new SsrfGuard(['wiki.lan', '192.168.1.6']);
  assert.equal((await lookupOnce(guard, resolver, 'wiki.lan', false)).address, '192.168.1.5');
  assert.equal((await lookupOnce(guard, resolver, 'nas.lan', false)).address, '192.168.1.6');
  assert.equal(((await lookupOnce(guard, resolver, 'printer.lan', false)).err as ClawgateError).code, 'WEB_FETCH_BLOCKED');
});

test('the real resolver: localhost resolves to loopback and is refused after resolution', async () => {
  const { err } = await lookupOnce(new SsrfGuard([]), undefined as unknown as Resolver, 'localhost', false);
  assert.ok(err instanceof ClawgateError);
  assert.equal(err.code, 'WEB_FETCH_BLOCKED');
  assert.match(String(err.details.address), /^(127\.|::1$)/);
});
