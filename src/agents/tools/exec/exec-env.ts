/** PATH inside the sandbox, where only the system directories exist. */
export const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin';

const LOCALE = /^[A-Za-z0-9_.@-]{1,64}$/;

/**
 * The whole environment of a command: PATH, HOME (the workspace), LANG and TERM=dumb, nothing else. The
 * gateway's own environment holds secrets (provider keys, CLAWGATE_GATEWAY_TOKEN) and never reaches a
 * command, on the host as in the sandbox. On the host PATH is the gateway's (the owner's tools live
 * there; it is not a secret); in the sandbox it is the system's, the only directories there.
 */
export function execEnv(where: 'host' | 'bubblewrap', workspace: string, gatewayEnv: NodeJS.ProcessEnv): Record<string, string> {
  const lang = gatewayEnv.LANG !== undefined && LOCALE.test(gatewayEnv.LANG) ? gatewayEnv.LANG : 'C.UTF-8';
  const path = where === 'host' && gatewayEnv.PATH ? gatewayEnv.PATH : SANDBOX_PATH;
  return { PATH: path, HOME: workspace, LANG: lang, TERM: 'dumb' };
}
