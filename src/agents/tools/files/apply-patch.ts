import { unlink } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { confinePath, type ConfinedPath } from '../../workspace/confine.js';
import { defineTool } from '../tool.js';
import { existingMode, readTextFile, stageWrite, type StagedFile } from './file-io.js';
import { EDIT_MAX_FILE_BYTES, PATCH_MAX_CHARS, PATCH_MAX_FILES } from './limits.js';
import { applyChunks } from './patch-apply.js';
import { parsePatch, type PatchOp } from './patch-parse.js';

/** What the patch does to one file, decided before anything is written. */
interface Planned {
  readonly summary: string;
  /** New content for `target` (absent for a delete). */
  readonly write?: { readonly target: ConfinedPath; readonly text: string; readonly mode: number | undefined };
  /** Files removed once every write is in place (a delete, or a moved file's old name). */
  readonly remove?: ConfinedPath;
}

const opName = { add: 'Add File', delete: 'Delete File', update: 'Update File' } as const;

/** Put which operation failed in front of an error from the file layer, keeping its code. */
function inOp(op: PatchOp, err: unknown): unknown {
  if (!(err instanceof ClawgateError) || err.code === 'PATCH_CONFLICT') return err;
  return new ClawgateError(err.code, `${opName[op.kind]} "${op.path}" (patch line ${op.line}): ${err.message}; no file was changed`, { ...err.details, patchLine: op.line });
}

async function plan(workspace: string, op: PatchOp): Promise<Planned> {
  const p = await confinePath(workspace, op.path);
  if (op.kind === 'add') {
    if (p.exists) throw new ClawgateError('PATCH_CONFLICT', `Add File "${op.path}" (patch line ${op.line}): the file exists; update it with "*** Update File:" or replace it with write; no file was changed`, { path: p.rel });
    return { summary: `A ${p.rel}`, write: { target: p, text: op.lines.length === 0 ? '' : `${op.lines.join('\n')}\n`, mode: undefined } };
  }
  if (op.kind === 'delete') {
    if (!p.exists) throw new ClawgateError('PATCH_CONFLICT', `Delete File "${op.path}" (patch line ${op.line}): there is no such file; no file was changed`, { path: p.rel });
    await existingMode(p.real, p.rel);
    return { summary: `D ${p.rel}`, remove: p };
  }
  const { text, mode } = await readTextFile(workspace, op.path, EDIT_MAX_FILE_BYTES, 'apply_patch');
  const next = applyChunks(op.path, text, op.chunks);
  if (op.moveTo === undefined) return { summary: `M ${p.rel}`, write: { target: p, text: next, mode } };
  const to = await confinePath(workspace, op.moveTo);
  if (to.real === p.real) return { summary: `M ${p.rel}`, write: { target: p, text: next, mode } };
  if (to.exists) throw new ClawgateError('PATCH_CONFLICT', `Update File "${op.path}" (patch line ${op.line}): cannot move it to "${op.moveTo}", which exists; no file was changed`, { path: p.rel, moveTo: to.rel });
  return { summary: `R ${p.rel} -> ${to.rel}`, write: { target: to, text: next, mode }, remove: p };
}

/** Every real path the plan touches, to refuse a patch that touches one file twice. */
function touched(planned: readonly Planned[]): string | undefined {
  const seen = new Set<string>();
  for (const p of planned) {
    for (const c of [p.write?.target, p.remove]) {
      if (!c) continue;
      if (seen.has(c.real)) return c.rel;
      seen.add(c.real);
    }
  }
  return undefined;
}

/**
 * Check the whole patch against the current files, then change them: all new contents are written to temp
 * files first (nothing is visible yet), then renamed into place, then deleted files removed. Any failure
 * before the renames discards the temp files and leaves every file as it was.
 */
async function applyPatch(workspace: string, input: string, signal: AbortSignal): Promise<string> {
  if (input.length > PATCH_MAX_CHARS) throw new ClawgateError('PATCH_INVALID', `the patch is ${input.length} characters, more than apply_patch accepts (${PATCH_MAX_CHARS}); split it into several patches`, { max: PATCH_MAX_CHARS });
  const ops = parsePatch(input);
  if (ops.length > PATCH_MAX_FILES) throw new ClawgateError('PATCH_INVALID', `the patch changes ${ops.length} files, more than ${PATCH_MAX_FILES}; split it into several patches; no file was changed`, { max: PATCH_MAX_FILES });
  const planned: Planned[] = [];
  for (const op of ops) {
    try {
      planned.push(await plan(workspace, op));
    } catch (err) {
      throw inOp(op, err);
    }
  }
  const twice = touched(planned);
  if (twice !== undefined) throw new ClawgateError('PATCH_INVALID', `the patch changes "${twice}" more than once; put all of its hunks under one "*** Update File:"; no file was changed`, { path: twice });
  const staged: StagedFile[] = [];
  try {
    for (const p of planned) if (p.write) staged.push(await stageWrite(p.write.target.real, p.write.text, p.write.mode));
    if (signal.aborted) throw signal.reason;
  } catch (err) {
    await Promise.all(staged.map((s) => s.discard()));
    throw err;
  }
  for (const s of staged) await s.commit();
  for (const p of planned) if (p.remove) await unlink(p.remove.real).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
  return `Done: ${planned.length} file${planned.length === 1 ? '' : 's'} changed\n${planned.map((p) => p.summary).join('\n')}`;
}

/** apply_patch: add, delete, update and move files with one patch, all or nothing. */
export const applyPatchTool = defineTool({
  name: 'apply_patch',
  description: [
    'Change several files in the workspace with one patch; it applies completely or not at all. Format:',
    '*** Begin Patch',
    '*** Add File: path/new.txt',
    '+each line of the new file, prefixed with +',
    '*** Delete File: path/old.txt',
    '*** Update File: path/file.txt',
    '*** Move to: path/renamed.txt   (optional)',
    '@@ a line to find first (optional, e.g. a function header)',
    ' a context line (space prefix), unchanged',
    '-a line to remove',
    '+a line to add',
    '*** End of File   (optional: the hunk is at the end of the file)',
    '*** End Patch',
    'Each hunk of an Update starts with @@; give 3 lines of context around each change, hunks in file order.',
  ].join('\n'),
  parameters: Type.Object(
    { input: Type.String({ minLength: 1, description: 'The whole patch, from "*** Begin Patch" to "*** End Patch".' }) },
    { additionalProperties: false },
  ),
  execute(args, ctx) {
    return applyPatch(ctx.agent.workspace, args.input, ctx.signal);
  },
});
