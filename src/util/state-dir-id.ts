import { createHash } from 'node:crypto';

/** A short id for a state dir path: enough to tell two installs apart without printing the path. */
export function stateDirIdOf(stateDir: string): string {
  return createHash('sha256').update(stateDir).digest('hex').slice(0, 16);
}
