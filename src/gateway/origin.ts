import { isLoopbackHostname } from '../util/loopback.js';

interface OriginParts {
  scheme: string;
  host: string;
  port: number;
}

/** Scheme, host and effective port of an http(s) origin; undefined for anything else (`null`, file:, junk). */
function originParts(origin: string): OriginParts | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { scheme: url.protocol, host: url.hostname, port };
}

/**
 * Whether a browser Origin may open the control plane: the gateway's own loopback origins on its port
 * (`localhost` or a loopback IP literal), or an origin listed in gateway.allowedOrigins, matched on
 * scheme, host and port exactly. Non-browser clients send no Origin and are not checked.
 */
export function originAllowed(origin: string, port: number, allowed: readonly string[]): boolean {
  const o = originParts(origin);
  if (!o) return false;
  if (isLoopbackHostname(o.host) && o.port === port) return true;
  return allowed.some((entry) => {
    const a = originParts(entry);
    return a !== undefined && a.scheme === o.scheme && a.host === o.host && a.port === o.port;
  });
}
