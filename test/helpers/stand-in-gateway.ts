import { WebSocketServer, type WebSocket } from 'ws';

/** A WebSocket server on a loopback port that sends the connect challenge and hands every frame to `onFrame`; closed after the test. */
export async function challengeServer(t: { after(fn: () => Promise<void>): void }, onFrame: (ws: WebSocket, frame: { method?: string; id: string }) => void): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((res) => wss.once('listening', () => res()));
  wss.on('connection', (ws) => {
    ws.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n-1', ts: Date.now() } }));
    ws.on('message', (data) => onFrame(ws, JSON.parse(data.toString()) as { method?: string; id: string }));
  });
  t.after(
    () =>
      new Promise<void>((res) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => res());
      }),
  );
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
}

/**
 * A stand-in gateway: it accepts any connect with a bare hello-ok, and answers every later request with
 * what `answer` returns for its method (to show how a client treats a result the real gateway would never send).
 */
export function standInGateway(t: { after(fn: () => Promise<void>): void }, answer: (method: string) => unknown): Promise<string> {
  return challengeServer(t, (ws, frame) => {
    const payload = frame.method === 'connect' ? { type: 'hello-ok', protocol: 3 } : answer(frame.method ?? '');
    ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload }));
  });
}

/** A `health` result that matches its definition in every field but one: `ok` is text. */
export const HEALTH_WITH_TEXT_OK = {
  ok: 'yes',
  ts: 1_800_000_000_000,
  durationMs: 0,
  channels: {},
  channelOrder: [],
  channelLabels: {},
  heartbeatSeconds: 0,
  defaultAgentId: 'main',
  agents: [],
  sessions: { path: '/tmp/sessions', count: 0, recent: [] },
} as const;
