import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { REDACTED } from '../protocol/redaction.js';


/** A secret value that never prints itself: toString, toJSON and inspect all redact. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The raw value, for the few places that must send or compare it. */
  reveal(): string {
    return this.#value;
  }

  /** Short, stable fingerprint safe to print: `sha256:` and 12 hex chars. */
  get fingerprint(): string {
    return fingerprintOf(this.#value);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${this.fingerprint})`;
  }
}

/** Fingerprint of a secret string: enough to compare two sides, useless to an attacker. */
export function fingerprintOf(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 12)}`;
}
