import { inert } from '../protocol/display-text.js';

/** Where the connection stands. */
export type ConnectionPhase = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

/** The connection state as the header shows it. */
export const PHASE_TEXT: Record<ConnectionPhase, string> = { connecting: '… connecting', connected: '● connected', reconnecting: '○ reconnecting', stopped: '✗ stopped' };

/** The header's two parts: what it names (cut first when narrow) and the connection state (never cut). */
export function headerParts(s: { gateway: string; agentId: string; sessionKey: string; connection: ConnectionPhase }): { left: string; right: string } {
  return {
    left: ` clawgate │ ${inert(s.gateway, 120)} │ agent ${inert(s.agentId, 64)} │ session ${inert(s.sessionKey, 80)} │`,
    right: ` ${PHASE_TEXT[s.connection]} `,
  };
}

/**
 * The first frame, written before the terminal library is loaded (loading it is most of the start-up): the
 * alternate screen, cleared, with the header in inverse video, so the owner sees at once where the TUI is
 * connecting. Every character of the header is one column wide (ids and hosts are ASCII, the marks are
 * single-width), so cutting by characters is cutting by columns. The full screen is drawn over it.
 */
export function firstFrame(s: Parameters<typeof headerParts>[0], cols: number, color: boolean): string {
  const { left, right } = headerParts(s);
  const room = Math.max(0, cols - right.length);
  const line = (left.length > room ? left.slice(0, room) : left.padEnd(room)) + right.slice(0, cols - room);
  return `\x1b[?1049h\x1b[2J\x1b[H${color ? `\x1b[7m${line}\x1b[27m` : line}\x1b[H`;
}
