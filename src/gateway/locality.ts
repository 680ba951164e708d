import type { IncomingMessage } from 'node:http';
import type { Locality } from '../pairing/policy.js';
import { isLoopbackAddress, isLoopbackHostname } from '../util/loopback.js';

const FORWARD_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded', 'x-forwarded-host'];

/** `host`, `host:port`, `[v6]` or `[v6]:port`: the host part, or undefined when the header is none of these. */
function hostOfHostHeader(header: string): string | undefined {
  return /^(\[[^\]]*\]|[^:[\]]+)(?::\d{1,5})?$/.exec(header.trim())?.[1];
}

/** A Host header names this machine only as `localhost` or a loopback IP literal, never as a look-alike name. */
function hostHeaderIsLoopback(hostHeader: string | undefined): boolean {
  // No Host at all is a hand-written HTTP/1.0 client on this socket, not a browser that could be rebound.
  if (!hostHeader) return true;
  const host = hostOfHostHeader(hostHeader);
  return host !== undefined && isLoopbackHostname(host);
}

/**
 * Where a connection comes from. Loopback-direct needs a loopback peer, a loopback Host, and no
 * forwarding headers: a proxy on this host relaying someone else's connection is not the owner.
 */
export function classifyLocality(req: IncomingMessage): Locality {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return 'remote';
  const forwarded = FORWARD_HEADERS.some((h) => req.headers[h] !== undefined);
  if (forwarded || !hostHeaderIsLoopback(req.headers.host)) return 'loopback-forwarded';
  return 'loopback-direct';
}

/** The peer address without the IPv4-mapped prefix. */
export function remoteIpOf(req: IncomingMessage): string | undefined {
  const a = req.socket.remoteAddress;
  return a?.startsWith('::ffff:') ? a.slice(7) : a;
}
