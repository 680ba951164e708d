import type { HelloOk } from '../protocol/connect-params.js';
import { EVENT_NAMES } from '../protocol/events.js';
import { MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, TICK_INTERVAL_MS } from '../protocol/limits.js';
import { METHODS } from '../protocol/methods/index.js';
import { VERSION } from '../version.js';
import type { GatewayContext } from './context.js';
import type { HandshakeResult } from './handshake.js';
import { presenceOf } from './presence.js';
import { mainSessionKey } from '../protocol/session-key.js';

const sessionDefaults = (defaultAgentId: string) => ({ defaultAgentId, mainKey: 'main', mainSessionKey: mainSessionKey(defaultAgentId) });

/** The hello-ok payload: exactly the documented keys; paths only for admins; auth only when a token was minted. */
export function buildHelloOk(gw: GatewayContext, result: HandshakeResult): HelloOk {
  const admin = result.session.scopes.includes('operator.admin');
  const hello: HelloOk = {
    type: 'hello-ok',
    protocol: PROTOCOL_VERSION,
    server: { version: VERSION, connId: result.session.connId },
    features: { methods: [...METHODS.keys()], events: [...EVENT_NAMES] },
    snapshot: {
      presence: admin ? presenceOf(gw.connections) : [],
      health: {},
      stateVersion: { presence: 0, health: 0 },
      uptimeMs: Date.now() - gw.startedAtMs,
      sessionDefaults: sessionDefaults(gw.agents.defaultAgentId()),
      authMode: gw.config.authMode,
    },
    policy: { maxPayload: MAX_PAYLOAD_BYTES, maxBufferedBytes: MAX_BUFFERED_BYTES, tickIntervalMs: TICK_INTERVAL_MS },
  };
  if (admin) {
    hello.snapshot.stateDir = gw.paths.stateDir;
    hello.snapshot.configPath = gw.paths.configPath;
  }
  if (result.auth) hello.auth = result.auth;
  return hello;
}
