import { BlockList, isIP } from 'node:net';

// Loopback is decided on IP literals only: a host *name* such as 127.evil.example or localhost.evil.example
// resolves wherever its owner wants, so no string prefix may make it count.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True only for an IP literal in 127.0.0.0/8 or ::1, including IPv4-mapped ::ffff:127.x (BlockList maps it). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** True for `localhost` (exactly) or a loopback IP literal; IPv6 may be bracketed as in URLs and Host headers. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost') return true;
  if (host.startsWith('[') && host.endsWith(']')) {
    const inner = host.slice(1, -1);
    return isIP(inner) === 6 && isLoopbackAddress(inner);
  }
  return isLoopbackAddress(host);
}
