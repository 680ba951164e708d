import { isLoopbackAddress } from './locality.js';

/**
 * Whether a browser Origin may open the control plane: the gateway's own loopback origins on its port,
 * or an origin listed in gateway.allowedOrigins. Non-browser clients send no Origin and are not checked.
 */
export function originAllowed(origin: string, port: number, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const urlPort = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return (host === 'localhost' || isLoopbackAddress(host)) && urlPort === port;
}
