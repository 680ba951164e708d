import { existsSync, readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { isSecretConfigPath } from '../config/redact.js';

/** Longest value shown for a non-secret config change. */
const MAX_SHOWN_VALUE_CHARS = 80;
/** Key names treated as secrets even when not a known secret config path: never print what might be one. */
const SECRET_KEY_RE = /(token|secret|password|passwd|apikey|api_key|privatekey|private_key)$/i;

/** One config key path that differs between the current config and the backup's. */
export interface ConfigChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** True when the value is a secret: only the fact of the change is shown. */
  secret: boolean;
  current?: string;
  backup?: string;
}

/** Is this key path a secret (its value never shown)? */
export function isSecretPath(path: string): boolean {
  return isSecretConfigPath(path) || SECRET_KEY_RE.test(path.split('.').pop() ?? '');
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN_VALUE_CHARS ? `${text.slice(0, MAX_SHOWN_VALUE_CHARS - 1)}…` : text;
}

/** Parse a config file leniently for a diff: absent = {}, unparsable = undefined (shown as replaced whole). */
export function readConfigForDiff(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return {};
  try {
    const text = readFileSync(path, 'utf8');
    const parsed: unknown = text.trim() === '' ? {} : JSON5.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Key-path differences from `current` to `backup`; secret values appear as changed/unchanged only. */
export function diffConfig(current: Record<string, unknown>, backup: Record<string, unknown>): ConfigChange[] {
  const a = flatten(current, '', new Map());
  const b = flatten(backup, '', new Map());
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: ConfigChange[] = [];
  for (const path of paths) {
    const inA = a.has(path);
    const inB = b.has(path);
    if (inA && inB && JSON.stringify(a.get(path)) === JSON.stringify(b.get(path))) continue;
    const secret = isSecretPath(path);
    const change: ConfigChange = { path, change: !inA ? 'added' : !inB ? 'removed' : 'changed', secret };
    if (!secret) {
      if (inA) change.current = show(a.get(path));
      if (inB) change.backup = show(b.get(path));
    }
    changes.push(change);
  }
  return changes;
}
