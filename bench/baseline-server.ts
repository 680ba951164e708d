/**
 * The ceiling for this machine and load generator: a bare `ws` server (same options as the gateway) that
 * sends a challenge and answers every request with an empty ok, checking nothing. Run as a child process;
 * prints its port. Stops on SIGTERM.
 */
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
wss.on('listening', () => console.log(`listening ${(wss.address() as { port: number }).port}`));
wss.on('connection', (ws) => {
  ws.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: randomUUID(), ts: Date.now() } }));
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { id: string };
    ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: { ok: true } }));
  });
});
process.once('SIGTERM', () => wss.close(() => process.exit(0)));
