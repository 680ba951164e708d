import { spawn } from 'node:child_process';

/** The desktop's "open this link" program, or undefined where there is no desktop to open it on. */
export function opener(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): { command: string; args: string[] } | undefined {
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  // Over SSH or on a server there is no display: xdg-open would pick a terminal browser or fail.
  if (!env['DISPLAY'] && !env['WAYLAND_DISPLAY']) return undefined;
  return { command: 'xdg-open', args: [] };
}

/**
 * Hand a URL to the desktop's opener, detached; resolves whether it started. The URL goes in argv, which
 * only this user's processes can read, and never through a shell.
 */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const how = opener(platform, env);
  if (!how) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(how.command, [...how.args, url], { detached: true, stdio: 'ignore', env });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
