import type { IncomingMessage } from 'node:http';
import type { Locality } from '../pairing/policy.js';

const FORWARD_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded', 'x-forwarded-host'];

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || a.startsWith('127.');
}

function hostIsLoopback(hostHeader: string | undefined): boolean {
  if (!hostHeader) return true;
  let host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) host = host.slice(1, host.indexOf(']'));
  else if (host.includes(':')) host = host.slice(0, host.lastIndexOf(':'));
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * Where a connection comes from. Loopback-direct needs a loopback peer, a loopback Host, and no
 * forwarding headers: a proxy on this host relaying someone else's connection is not the owner.
 */
export function classifyLocality(req: IncomingMessage): Locality {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return 'remote';
  const forwarded = FORWARD_HEADERS.some((h) => req.headers[h] !== undefined);
  if (forwarded || !hostIsLoopback(req.headers.host)) return 'loopback-forwarded';
  return 'loopback-direct';
}

/** The peer address without the IPv4-mapped prefix. */
export function remoteIpOf(req: IncomingMessage): string | undefined {
  const a = req.socket.remoteAddress;
  return a?.startsWith('::ffff:') ? a.slice(7) : a;
}
