import { implement, type MethodImpl } from '../protocol/methods/define.js';
import { gatewayTokenReload } from '../protocol/methods/gateway-token.js';
import type { ResolvedToken } from './gateway-token.js';

/** The gateway token the gateway holds, and how to resolve it anew. */
export interface GatewayTokenHolder {
  current(): ResolvedToken;
  /** Re-resolve the token (flag, env, config as it is now), validate it, and use it from now on. */
  reload(): ResolvedToken;
}

/** gateway.token.reload: the CLI's `gateway token rotate` writes config, then asks the gateway to use it. */
export function authMethods(token: GatewayTokenHolder): readonly MethodImpl[] {
  return [
    implement(gatewayTokenReload, () => {
      const before = token.current().secret?.fingerprint;
      const next = token.reload();
      const fingerprint = next.secret?.fingerprint;
      return { source: next.source, ...(fingerprint ? { fingerprint } : {}), changed: fingerprint !== before };
    }),
  ];
}
