/** A small seeded PRNG for the stress tests, so a failing run reproduces from its printed seed. */
export interface Rng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A derived generator (for one socket or one device), independent of how many numbers the parent drew later. */
  fork(salt: number): Rng;
}

/** mulberry32: fast, 32-bit state, good enough to drive tests (not for secrets). */
export function prng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    seed: seed >>> 0,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    fork: (salt) => prng(Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35)),
  };
}

/** The seed from an env var (decimal or 0x hex), else a random one; print it so a failure can be replayed. */
export function seedFromEnv(name: string): number {
  const raw = process.env[name]?.trim();
  if (raw) {
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, not "${raw}"`);
    return n >>> 0;
  }
  return Math.floor(Math.random() * 4_294_967_296) >>> 0;
}

/** A positive integer count from an env var, else the CI default (CI=true) or the local one. */
export function countFromEnv(name: string, ciDefault: number, localDefault: number): number {
  const raw = process.env[name]?.trim();
  if (raw) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, not "${raw}"`);
    return n;
  }
  return process.env['CI'] === 'true' ? ciDefault : localDefault;
}
