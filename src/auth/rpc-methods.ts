import { gatewayTokenReload } from '../protocol/methods/gateway-token.js';
import { bindMethod, type BoundMethod } from '../gateway/handler.js';

/** gateway.token.reload: the CLI's `gateway token rotate` writes config, then asks the gateway to use it. */
const reload = bindMethod(gatewayTokenReload, (_params, { gateway }) => {
  const before = gateway.gatewayToken.secret?.fingerprint;
  const next = gateway.reloadGatewayToken();
  const fingerprint = next.secret?.fingerprint;
  return { source: next.source, ...(fingerprint ? { fingerprint } : {}), changed: fingerprint !== before };
});

export const AUTH_METHODS: readonly BoundMethod[] = [reload];
