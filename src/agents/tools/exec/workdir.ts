import { stat } from 'node:fs/promises';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { confinePath, workspaceRoot } from '../../workspace/confine.js';
import { ensureWorkspace } from '../../workspace/ensure-workspace.js';

/** Make sure the agent's workspace exists (0700, with its starter files, as a run does) and return its real path. */
export async function workspaceForExec(workspace: string): Promise<string> {
  await ensureWorkspace(workspace);
  return workspaceRoot(workspace);
}

/**
 * The real working directory for `workdir` (relative to the workspace, or absolute inside it), confined as
 * the file tools confine paths: WORKSPACE_PATH_ESCAPE when it leads outside, as written or through a
 * symlink; INVALID_PARAMS when it is not an existing directory.
 */
export async function resolveWorkdir(workspace: string, workdir: string | undefined): Promise<string> {
  if (workdir === undefined || workdir === '' || workdir === '.') return workspaceRoot(workspace);
  let confined;
  try {
    confined = await confinePath(workspace, workdir);
  } catch (err) {
    if (!(err instanceof ClawgateError) || err.code !== 'WORKSPACE_PATH_ESCAPE') throw err;
    // The same refusal, in exec's words: the file tools' message speaks of files.
    throw new ClawgateError('WORKSPACE_PATH_ESCAPE', `workdir "${workdir}" leads outside the workspace ${workspace}; commands run only inside it: give a directory relative to the workspace`, err.details);
  }
  if (!confined.exists) throw new ClawgateError('INVALID_PARAMS', `workdir "${workdir}" does not exist in the workspace; create it first (mkdir -p ${workdir}) or leave workdir out`, { workdir });
  if (!(await stat(confined.real)).isDirectory()) throw new ClawgateError('INVALID_PARAMS', `workdir "${workdir}" is not a directory`, { workdir });
  return confined.real;
}
