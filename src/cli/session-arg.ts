import { ClawgateError } from '../protocol/error-catalogue.js';

/** The session a message goes to: --session, else the main session of --agent, else the default agent's (`main`). */
export function sessionKeyFor(opts: { agent?: string | undefined; session?: string | undefined }): string {
  if (opts.session !== undefined) {
    const owner = opts.session.startsWith('agent:') ? opts.session.split(':')[1] : undefined;
    if (opts.agent !== undefined && owner !== undefined && owner !== opts.agent) throw new ClawgateError('USAGE', `--session ${opts.session} belongs to agent "${owner}", not --agent ${opts.agent}`);
    return opts.session;
  }
  return opts.agent !== undefined ? `agent:${opts.agent}:main` : 'main';
}
