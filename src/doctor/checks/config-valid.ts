import type { DoctorCheck } from '../types.js';
import { finding } from '../types.js';

/** Most problems listed one by one; the rest are counted. */
const MAX_LISTED = 10;

/** config-valid: clawgate.json parses (JSON5) and validates; each problem names its key path. */
export const configValid: DoctorCheck = {
  id: 'config-valid',
  run(ctx) {
    const view = ctx.config();
    const path = ctx.paths.configPath;
    if (!view.error) {
      return { summary: view.exists ? `${path} is valid` : `no ${path}; defaults apply (the gateway writes one on first start)`, findings: [] };
    }
    const problems = (view.error.details as { problems?: unknown }).problems;
    const fix = `edit ${path} (or clawgate config set KEY VALUE), or restore ${path}.bak`;
    if (Array.isArray(problems) && problems.length > 0) {
      const listed = problems.slice(0, MAX_LISTED).map((p) => finding('config-invalid-key', 'error', String(p), fix));
      if (problems.length > MAX_LISTED) listed.push(finding('config-invalid-key', 'error', `and ${problems.length - MAX_LISTED} more problems`, fix));
      return { summary: `${path} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`, findings: listed };
    }
    return { summary: `${path} cannot be used`, findings: [finding('config-unreadable', 'error', view.error.message, fix)] };
  },
};
