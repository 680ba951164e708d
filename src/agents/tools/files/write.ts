import { Type } from '@sinclair/typebox';
import { ClawgateError } from '../../../protocol/error-catalogue.js';
import { confinePath } from '../../workspace/confine.js';
import { defineTool } from '../tool.js';
import { atomicWrite, existingMode } from './file-io.js';
import { WRITE_MAX_BYTES } from './limits.js';

/** Write a file atomically, turning a parent that is a file into a clear refusal. */
export async function writeInWorkspace(real: string, rel: string, content: string, mode: number | undefined): Promise<void> {
  try {
    await atomicWrite(real, content, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') throw new ClawgateError('FILE_REFUSED', `cannot write "${rel}": a folder on its path is a file; choose another path`, { path: rel });
    throw err;
  }
}

/** write: create or replace a whole file in the workspace. */
export const writeTool = defineTool({
  name: 'write',
  description:
    'Create or overwrite a text file in the workspace with the given content (missing folders are created). Replaces the whole file: to change part of an existing file, use edit. Returns the bytes written.',
  parameters: Type.Object(
    {
      path: Type.String({ description: 'File path, relative to the workspace.' }),
      content: Type.String({ description: 'The complete new content of the file.' }),
    },
    { additionalProperties: false },
  ),
  async execute(args, ctx) {
    const bytes = Buffer.byteLength(args.content, 'utf8');
    if (bytes > WRITE_MAX_BYTES) throw new ClawgateError('FILE_REFUSED', `content is ${bytes} bytes, more than write accepts (${WRITE_MAX_BYTES}); split it into several files`, { bytes, max: WRITE_MAX_BYTES });
    const p = await confinePath(ctx.agent.workspace, args.path);
    const mode = await existingMode(p.real, p.rel);
    await writeInWorkspace(p.real, p.rel, args.content, mode);
    return { path: p.rel, bytes, created: mode === undefined };
  },
});
