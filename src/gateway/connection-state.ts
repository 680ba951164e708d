import type { WebSocket } from 'ws';
import type { Locality } from '../pairing/policy.js';

/** An authenticated connection after hello-ok: who it is and what it may do. */
export interface Session {
  readonly connId: string;
  readonly protocol: number;
  readonly role: string;
  readonly scopes: readonly string[];
  readonly deviceId: string | undefined;
  readonly clientId: string;
  readonly clientMode: string;
  readonly clientVersion: string;
  readonly platform: string;
  readonly deviceFamily: string | undefined;
  readonly displayName: string | undefined;
  readonly instanceId: string | undefined;
  readonly authMethod: 'device-token' | 'gateway-token' | 'device-signature' | 'bootstrap-code' | 'none';
  readonly locality: Locality;
  readonly remoteIp: string | undefined;
  readonly connectedAtMs: number;
}

/** A live socket and, once the handshake passed, its session. */
export interface Connection {
  readonly ws: WebSocket;
  session: Session | undefined;
}
