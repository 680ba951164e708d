import { mkdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ClawgateError } from '../../../protocol/error-catalogue.js';

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Create the agent's workspace if missing (private: 0700) and return its real path. */
export async function ensureWorkspace(workspace: string): Promise<string> {
  await mkdir(workspace, { recursive: true, mode: 0o700 });
  return realpath(workspace);
}

/**
 * The real working directory for `workdir` (relative to the workspace, or absolute inside it): refused
 * with FORBIDDEN when it leads outside, as written or through a symlink; INVALID_PARAMS when it is not an
 * existing directory. (A minimal check of exec's own until the file tools' workspace/confine.ts is shared.)
 */
export async function resolveWorkdir(workspaceReal: string, workdir: string | undefined): Promise<string> {
  if (workdir === undefined || workdir === '' || workdir === '.') return workspaceReal;
  const wanted = resolve(workspaceReal, workdir);
  const refuse = (how: string) =>
    new ClawgateError('FORBIDDEN', `workdir "${workdir}" ${how} the workspace (${workspaceReal}); commands run only inside it: give a path relative to the workspace`, { workdir });
  if (!inside(workspaceReal, wanted)) throw refuse('lies outside');
  let real: string;
  try {
    real = await realpath(wanted);
  } catch {
    throw new ClawgateError('INVALID_PARAMS', `workdir "${workdir}" does not exist in the workspace; create it first (mkdir -p ${workdir}) or leave workdir out`, { workdir });
  }
  if (!inside(workspaceReal, real)) throw refuse('leads (through a symlink) outside');
  if (!(await stat(real)).isDirectory()) throw new ClawgateError('INVALID_PARAMS', `workdir "${workdir}" is not a directory`, { workdir });
  return real;
}
