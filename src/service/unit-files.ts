import { homedir } from 'node:os';
import { join } from 'node:path';

/** What a service definition needs: how to run the CLI, and which state dir. Never a secret. */
export interface ServiceSpec {
  nodePath: string;
  cliEntry: string;
  stateDir: string;
}

/**
 * One argument of a unit line. systemd expands `%` specifiers everywhere, even inside quotes, and `$VAR`
 * in ExecStart, so a path holding them is escaped (`%%`, `$$`) to stay the path it is.
 */
function quoteSystemd(arg: string, line: 'exec' | 'env'): string {
  const escaped = arg.replace(/%/g, '%%');
  const literal = line === 'exec' ? escaped.replace(/\$/g, '$$$$') : escaped;
  return /^[A-Za-z0-9_@+=:,./-]+$/.test(arg) ? literal : `"${literal.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A systemd user unit. It points at the state dir and nothing else: the gateway reads its token from
 * the config there on every start, so rotating the token never leaves a stale copy in the unit.
 * Exit codes 2 (config), 7 (another gateway owns the state dir) and 10 (port taken) are not restarted.
 */
export function systemdUnit(spec: ServiceSpec): string {
  return [
    '[Unit]',
    'Description=Clawgate gateway',
    'After=network.target',
    '',
    '[Service]',
    'Type=simple',
    `Environment=CLAWGATE_STATE_DIR=${quoteSystemd(spec.stateDir, 'env')}`,
    `ExecStart=${[spec.nodePath, spec.cliEntry, 'gateway', 'run'].map((a) => quoteSystemd(a, 'exec')).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=2',
    'RestartPreventExitStatus=2 7 10',
    'UMask=0077',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

/** A launchd agent plist with the same rules as the systemd unit. */
export function launchdPlist(spec: ServiceSpec): string {
  const args = [spec.nodePath, spec.cliEntry, 'gateway', 'run'].map((a) => `    <string>${escapeXml(a)}</string>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>dev.clawgate.gateway</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>EnvironmentVariables</key>
  <dict>
    <key>CLAWGATE_STATE_DIR</key>
    <string>${escapeXml(spec.stateDir)}</string>
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>Umask</key>
  <integer>63</integer>
</dict>
</plist>
`;
}

/** Where each kind of definition is installed for the current user. */
export function serviceInstallPath(format: 'systemd' | 'launchd', home = homedir()): string {
  return format === 'systemd' ? join(home, '.config', 'systemd', 'user', 'clawgate.service') : join(home, 'Library', 'LaunchAgents', 'dev.clawgate.gateway.plist');
}
