import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { ClawgateError } from '../protocol/error-catalogue.js';
import { configGet } from '../protocol/methods/config.js';
import { implement, type MethodImpl } from '../protocol/methods/define.js';
import { loadConfig } from './load.js';
import { redactConfigValue } from './redact.js';

/** config.get reads the file anew (it may have been edited since start); paths only for admins. */
export function configMethods(path: string): readonly MethodImpl[] {
  return [implement(configGet, (_params, { caller }) => {
  const admin = caller.scopes.includes('operator.admin');
  const exists = existsSync(path);
  const hash = exists ? createHash('sha256').update(readFileSync(path)).digest('hex') : undefined;
  const base = { ...(admin ? { path } : {}), exists, legacyIssues: [], ...(hash ? { hash } : {}) };
  try {
    const { config } = loadConfig(path);
    return { ...base, valid: true, issues: [], config: redactConfigValue('', config) as Record<string, unknown> };
  } catch (err) {
    if (!(err instanceof ClawgateError)) throw err;
    const problems = Array.isArray(err.details['problems']) ? (err.details['problems'] as string[]) : [err.message];
    return { ...base, valid: false, issues: problems.map((p) => ({ path: p.split(':')[0] ?? '', message: p })), config: {} };
  }
  })];
}
