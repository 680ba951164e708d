import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ClawgateError } from '../../../protocol/error-catalogue.js';

/** The config key whose entries let a private host or address through. */
export const ALLOW_PRIVATE_KEY = 'tools.web.fetch.allowPrivate';

/**
 * Hostnames of cloud metadata services, refused by name as well as by address: some clouds resolve them to
 * addresses that are not obviously private, and a name check costs nothing.
 */
export const METADATA_HOSTNAMES: readonly string[] = [
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
];

/** Why an address is refused: the name of its range, e.g. `loopback`, `private`, `ipv4Mapped loopback`. */
export type Refusal = string;

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

function parseAddress(text: string): Addr | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // Only the canonical dotted-quad IPv4 form: the WHATWG URL parser has already turned 0x7f.1 or 2130706433
  // into it, and ipaddr's lenient parse would read a hostname like "0x7f" as an address.
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (!bare.includes(':') || !ipaddr.IPv6.isValid(bare)) return undefined;
  // ipaddr reads a dotted tail (::127.0.0.1) as IPv4-mapped; the URL parser's hex-only form is unambiguous.
  try {
    return ipaddr.IPv6.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1));
  } catch {
    return undefined;
  }
}

function classifyV4(a: ipaddr.IPv4): Refusal | undefined {
  const range = a.range();
  return range === 'unicast' ? undefined : range;
}

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

function embeddedV4(a: ipaddr.IPv6): ipaddr.IPv4 {
  const p = a.parts;
  return new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
}

function classifyV6(a: ipaddr.IPv6): Refusal | undefined {
  const range = a.range();
  // Forms that carry an IPv4 address reach that address: judge the IPv4 one.
  if (range === 'ipv4Mapped' || range === 'rfc6145' || (range === 'rfc6052' && a.match(NAT64_WELL_KNOWN))) {
    const inner = classifyV4(embeddedV4(a));
    return inner === undefined ? undefined : `${range} ${inner}`;
  }
  if (range !== 'unicast') return range;
  // The deprecated IPv4-compatible form ::a.b.c.d, which ipaddr calls unicast.
  if (a.parts.slice(0, 6).every((p) => p === 0)) return 'ipv4Compatible';
  // Anything outside 2000::/3 is unassigned or special; ipaddr calls it unicast too.
  if (!a.match(GLOBAL_UNICAST)) return 'reserved';
  return undefined;
}

/**
 * Why an IP address may not be fetched (loopback, private, link-local, metadata, multicast, reserved, and the
 * IPv6 forms that embed one of those), or undefined for a public unicast address. Not an address: `notAnIp`.
 */
export function classifyAddress(address: string): Refusal | undefined {
  const a = parseAddress(address);
  if (!a) return 'notAnIp';
  return a.kind() === 'ipv4' ? classifyV4(a as ipaddr.IPv4) : classifyV6(a as ipaddr.IPv6);
}

/** Lower-case, without the root's trailing dot, so `Metadata.Google.Internal.` names the same host. */
export function normalHostname(host: string): string {
  const h = host.toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** An IPv4-mapped IPv6 address counts as its IPv4 address, so an allowlisted 127.0.0.2 also admits ::ffff:127.0.0.2. */
function unmapped(a: Addr): Addr {
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
}

/** The allowPrivate entries, parsed once: exact hostnames, IP literals and CIDRs. */
export interface Allowlist {
  readonly hosts: ReadonlySet<string>;
  readonly ranges: readonly [Addr, number][];
}

/** Parse allowPrivate entries; an entry that is no IP or CIDR is an exact hostname. */
export function parseAllowlist(entries: readonly string[]): Allowlist {
  const hosts = new Set<string>();
  const ranges: [Addr, number][] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry.includes('/')) {
      try {
        const [net, bits] = ipaddr.parseCIDR(entry);
        ranges.push([unmapped(net), net.kind() === 'ipv6' && unmapped(net).kind() === 'ipv4' ? bits - 96 : bits]);
      } catch {
        // Not a CIDR; a hostname never contains a slash, so the entry matches nothing.
      }
      continue;
    }
    const ip = parseAddress(entry);
    if (ip) ranges.push([unmapped(ip), ip.kind() === 'ipv4' ? 32 : unmapped(ip).kind() === 'ipv4' ? 32 : 128]);
    else hosts.add(normalHostname(entry));
  }
  return { hosts, ranges };
}

function addressAllowed(list: Allowlist, address: string): boolean {
  const a = parseAddress(address);
  if (!a) return false;
  const u = unmapped(a);
  return list.ranges.some(([net, bits]) => net.kind() === u.kind() && u.match(net, bits));
}

function blocked(host: string, address: string | undefined, why: string): ClawgateError {
  const what = address === undefined || address === host ? host : `${host} (${address})`;
  return new ClawgateError(
    'WEB_FETCH_BLOCKED',
    `web_fetch refused ${what}: ${why}; the agent may not reach local, private or cloud-metadata addresses. If the owner trusts this host, add it to ${ALLOW_PRIVATE_KEY} (hostnames, IPs or CIDRs), e.g. clawgate config set ${ALLOW_PRIVATE_KEY} '["${host}"]'`,
    { host, ...(address !== undefined ? { address } : {}), reason: why, configKey: ALLOW_PRIVATE_KEY },
  );
}

function describe(range: Refusal): string {
  return range === 'notAnIp' ? 'not an IP address' : `a ${range} address`;
}

/** Decides, for one fetch's allowlist, which hosts and addresses may be reached. */
export class SsrfGuard {
  readonly #allow: Allowlist;

  constructor(allowPrivate: readonly string[]) {
    this.#allow = parseAllowlist(allowPrivate);
  }

  /** Whether the exact hostname is allowlisted (then every address it resolves to is let through). */
  hostAllowed(host: string): boolean {
    return this.#allow.hosts.has(normalHostname(host));
  }

  /**
   * Check a URL before any connection: only http and https, no credentials, no metadata hostname, and an IP
   * literal (already normalised by the URL parser: 0x7f.1, 2130706433 and [::ffff:7f00:1] arrive canonical)
   * must be public or allowlisted. Hostnames are checked again on every address DNS gives (see lookup).
   */
  checkUrl(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ClawgateError('INVALID_PARAMS', `web_fetch only fetches http and https URLs, not ${url.protocol.slice(0, -1)}: (${url.href.slice(0, 200)})`, { url: url.href.slice(0, 200) });
    }
    if (url.username !== '' || url.password !== '') {
      // Never echo the credentials back.
      throw new ClawgateError('INVALID_PARAMS', `web_fetch does not send credentials in URLs: remove the user:password@ part of the URL for ${url.hostname}`, { host: url.hostname });
    }
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (this.hostAllowed(host)) return;
    if (METADATA_HOSTNAMES.includes(normalHostname(host))) throw blocked(host, undefined, 'a cloud metadata hostname');
    if (parseAddress(host)) this.checkAddress(host, host);
  }

  /** Refuse an address that is not public unicast, unless the host or the address is allowlisted. */
  checkAddress(host: string, address: string): void {
    if (this.hostAllowed(host)) return;
    const range = classifyAddress(address);
    if (range === undefined || addressAllowed(this.#allow, address)) return;
    throw blocked(host, address, describe(range));
  }

  /**
   * A `lookup` for net/tls connect (undici's `connect: { lookup }`): resolves with every address, refuses the
   * connection if any one is not allowed, and hands on only checked addresses, so the address connected to
   * is the address checked (no window for DNS rebinding).
   */
  lookup(resolve: Resolver = defaultResolver): LookupFunction {
    return (hostname, options, callback) => {
      resolve(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '');
        if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
        try {
          for (const a of addresses) this.checkAddress(hostname, a.address);
        } catch (refusal) {
          return callback(refusal as NodeJS.ErrnoException, '');
        }
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    };
  }
}

/** DNS resolution with every address (dns.lookup's shape); tests inject their own answers. */
export type Resolver = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const defaultResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);
