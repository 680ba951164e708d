import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Most /proc entries doctor looks at; a busy host is scanned partially rather than slowly. */
export const MAX_PROCESSES = 8_192;
const MAX_FDS_PER_PROCESS = 4_096;

function pids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .slice(0, MAX_PROCESSES)
      .map(Number);
  } catch {
    return []; // not Linux, or /proc hidden
  }
}

function readArgs(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a.length > 0);
  } catch {
    return undefined;
  }
}

function readEnv(pid: number): Map<string, string> | undefined {
  try {
    const env = new Map<string, string>();
    for (const kv of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const i = kv.indexOf('=');
      if (i > 0) env.set(kv.slice(0, i), kv.slice(i + 1));
    }
    return env;
  } catch {
    return undefined; // another user's process
  }
}

/** The program name of a process (its comm), safe to print: never its arguments, which may hold secrets. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().slice(0, 64);
  } catch {
    return undefined;
  }
}

/** Socket inodes listening on a TCP port, from /proc/net/tcp and tcp6. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (cols.length < 10 || cols[3] !== '0A') continue;
      if (cols[1]!.split(':')[1] === hexPort && cols[9] !== '0') inodes.add(cols[9]!);
    }
  }
  return inodes;
}

/** The pid that owns the listening socket on a port (Linux, when its fds are readable). */
export function listeningPidOf(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const wanted = new Set([...inodes].map((i) => `socket:[${i}]`));
  for (const pid of pids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`).slice(0, MAX_FDS_PER_PROCESS);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (wanted.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return pid;
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return undefined;
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The state dir a `gateway run` process uses, as resolveStatePaths would (undefined when its env is unreadable). */
function stateDirOfProcess(pid: number, args: string[]): string | undefined {
  const env = readEnv(pid);
  if (!env) return undefined;
  const home = env.get('HOME') ?? '/';
  const profileAt = args.findIndex((a) => a === '--profile' || a.startsWith('--profile='));
  if (profileAt >= 0) {
    const name = args[profileAt]!.includes('=') ? args[profileAt]!.split('=')[1] : args[profileAt + 1];
    if (name) return realOrResolved(join(home, `.clawgate-${name}`));
  }
  const fromEnv = env.get('CLAWGATE_STATE_DIR')?.trim();
  if (fromEnv) {
    let cwd = '/';
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      // keep /
    }
    return realOrResolved(resolve(cwd, fromEnv));
  }
  return realOrResolved(join(home, '.clawgate'));
}

/** `gateway run` processes on this host whose state dir is stateDir (a real path), other than this process. */
export function gatewayProcessesFor(stateDir: string): number[] {
  const found: number[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    const args = readArgs(pid);
    if (!args) continue;
    const at = args.indexOf('gateway');
    if (at < 0 || args[at + 1] !== 'run') continue;
    if (stateDirOfProcess(pid, args) === stateDir) found.push(pid);
  }
  return found.sort((a, b) => a - b);
}
