import { WebSocket } from 'ws';
import type { Message } from './fuzz-frames.js';

/** What came back for one request id: its response, the close that came instead, or nothing in time. */
export type Answer = { frame: { ok: boolean; payload?: unknown; error?: { code?: string; message?: string; details?: { code?: string } } } } | { closed: { code: number; reason: string } } | { timeout: true };

/** A raw fuzz socket: collects the challenge, responses by id and the close; it never throws on bad input. */
export class Probe {
  readonly ws: WebSocket;
  readonly challenge: Promise<string | undefined>;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Responses whose id was never sent, or that came twice (three times for a two-phase id, or twice when its first was not an acceptance). */
  readonly strays: string[] = [];
  #closeInfo: { code: number; reason: string } | undefined;
  #responses = new Map<string, Answer & { frame: unknown }>();
  #waiters = new Map<string, (a: Answer) => void>();
  #expected = new Set<string>();
  /** Ids that may get a second response, after a first one that is ok with payload.status `accepted`. */
  #twoPhase = new Set<string>();
  #finals = new Map<string, Answer & { frame: unknown }>();
  #finalWaiters = new Map<string, (a: Answer) => void>();

  constructor(url: string) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    this.ws.on('error', () => undefined); // surfaces as the close code (1006 when the socket just dies)
    let onChallenge: (nonce: string | undefined) => void = () => undefined;
    this.challenge = new Promise((res) => (onChallenge = res));
    this.closed = new Promise((res) =>
      this.ws.once('close', (code, reason) => {
        this.#closeInfo = { code, reason: reason.toString() };
        onChallenge(undefined);
        for (const w of [...this.#waiters.values(), ...this.#finalWaiters.values()]) w({ closed: this.#closeInfo });
        this.#waiters.clear();
        this.#finalWaiters.clear();
        res(this.#closeInfo);
      }),
    );
    this.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; event?: string; id?: string; payload?: { nonce?: string } };
      if (frame.type === 'event') {
        if (frame.event === 'connect.challenge') onChallenge(frame.payload?.nonce);
        return;
      }
      if (frame.type !== 'res' || typeof frame.id !== 'string' || !this.#expected.has(frame.id)) {
        this.strays.push(JSON.stringify(frame).slice(0, 200));
        return;
      }
      const answer = { frame } as Answer & { frame: unknown };
      const first = this.#responses.get(frame.id);
      if (!first) {
        this.#responses.set(frame.id, answer);
        this.#waiters.get(frame.id)?.(answer);
        this.#waiters.delete(frame.id);
        return;
      }
      if (!this.#twoPhase.has(frame.id) || !Probe.accepted(first) || this.#finals.has(frame.id)) {
        this.strays.push(JSON.stringify(frame).slice(0, 200));
        return;
      }
      this.#finals.set(frame.id, answer);
      this.#finalWaiters.get(frame.id)?.(answer);
      this.#finalWaiters.delete(frame.id);
    });
  }

  /** True when an answer is an ok response whose payload.status is `accepted` (the first of two). */
  static accepted(a: Answer): boolean {
    return 'frame' in a && a.frame.ok && (a.frame.payload as { status?: unknown } | undefined)?.status === 'accepted';
  }

  /**
   * Announce the ids a following send will carry (a response to any other id is a stray). A two-phase id
   * may get one more response after an `accepted` one; any other repeat is a stray.
   */
  expect(id: string, twoPhase = false): void {
    this.#expected.add(id);
    if (twoPhase) this.#twoPhase.add(id);
  }

  send(m: Message | string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (typeof m === 'string') this.ws.send(m);
    else this.ws.send(m.data, { binary: m.binary });
  }

  /** The response to id, or the close that came instead, or a timeout. */
  answer(id: string, timeoutMs: number): Promise<Answer> {
    return this.#await(this.#responses, this.#waiters, id, timeoutMs);
  }

  /** The second response to a two-phase id (announced with expect(id, true)), or the close, or a timeout. */
  final(id: string, timeoutMs: number): Promise<Answer> {
    return this.#await(this.#finals, this.#finalWaiters, id, timeoutMs);
  }

  #await(have: Map<string, Answer>, waiters: Map<string, (a: Answer) => void>, id: string, timeoutMs: number): Promise<Answer> {
    const got = have.get(id);
    if (got) return Promise.resolve(got);
    if (this.#closeInfo) return Promise.resolve({ closed: this.#closeInfo });
    return new Promise((res) => {
      const timer = setTimeout(() => {
        waiters.delete(id);
        res({ timeout: true });
      }, timeoutMs);
      waiters.set(id, (a) => {
        clearTimeout(timer);
        res(a);
      });
    });
  }

  /** The close, or undefined when it did not come in time. */
  async closeWithin(timeoutMs: number): Promise<{ code: number; reason: string } | undefined> {
    if (this.#closeInfo) return this.#closeInfo;
    let timer: NodeJS.Timeout | undefined;
    const t = new Promise<undefined>((res) => (timer = setTimeout(() => res(undefined), timeoutMs)));
    const out = await Promise.race([this.closed, t]);
    clearTimeout(timer);
    return out;
  }

  /** Close from our side if still open (not a fuzz frame) and wait for it, bounded. */
  async end(timeoutMs: number): Promise<void> {
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else if (!this.#closeInfo && this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    if (!(await this.closeWithin(timeoutMs))) this.ws.terminate();
  }
}
