import { resolveGatewayToken, type ResolvedToken } from '../auth/gateway-token.js';
import { loadConfig } from '../config/load.js';
import { effectiveGateway } from '../config/schema.js';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { isLoopbackHostname } from '../util/loopback.js';
import type { CliContext } from './context.js';

/** Where the CLI connects and with which gateway token. */
export interface GatewayTarget {
  url: string;
  /** True when the URL is this host's gateway from config (not --url): the store fallback is allowed. */
  local: boolean;
  port: number;
  token: ResolvedToken;
}

/**
 * Resolve the target once per call: --url (with --token or the env token only), else the loopback
 * address of the configured port, whatever the bind (NL-SELF-DIAL-LAN), with the one token resolver.
 */
export function resolveTarget(ctx: CliContext): GatewayTarget {
  const flagUrl = ctx.globals.url;
  if (flagUrl) {
    let url: URL;
    try {
      url = new URL(flagUrl);
    } catch {
      // Not echoed: a malformed URL may still carry a secret.
      throw new ClawgateError('USAGE', '--url is not a URL; use ws://host:port or wss://host:port');
    }
    if (url.username || url.password) {
      throw new ClawgateError('USAGE', '--url must not carry credentials (user:password@); pass the gateway token with --token or CLAWGATE_GATEWAY_TOKEN');
    }
    if (url.search || url.hash) throw new ClawgateError('USAGE', '--url takes ws://host:port (no query or fragment: tokens go in --token)');
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new ClawgateError('USAGE', `--url must start with ws:// or wss://, not ${url.protocol}//`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (url.protocol === 'ws:' && !isLoopbackHostname(url.hostname)) {
      throw new ClawgateError('USAGE', `refusing plain ws:// to ${host}: tokens would cross the network unencrypted; use wss:// (or an SSH tunnel to 127.0.0.1)`);
    }
    return { url: flagUrl, local: false, port: Number(url.port || (url.protocol === 'wss:' ? 443 : 80)), token: resolveGatewayToken({ flag: ctx.globals.token, env: ctx.io.env }) };
  }
  const { config } = loadConfig(ctx.paths.configPath);
  const port = effectiveGateway(config).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    local: true,
    port,
    token: resolveGatewayToken({ flag: ctx.globals.token, env: ctx.io.env, config: config.gateway?.auth?.token }),
  };
}
