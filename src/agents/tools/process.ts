import { Type } from '@sinclair/typebox';
import { ClawgateError } from '../../protocol/error-catalogue.js';
import { LOG_DEFAULT_LINES, LOG_MAX_LINES, MAX_RESULT_OUTPUT_CHARS, MAX_STDIN_WRITE_BYTES } from './exec/limits.js';
import { fitText } from './exec/output-buffer.js';
import { defineTool } from './tool.js';

function need(processId: string | undefined, action: string): string {
  if (processId === undefined) throw new ClawgateError('INVALID_PARAMS', `process ${action} needs a processId (process list shows them)`);
  return processId;
}

/** process: look after this session's exec processes (list, poll, log, write stdin, kill). */
export const processTool = defineTool({
  name: 'process',
  description:
    'Manage the commands exec started in this session. list: every process with its status. poll: status and the output printed since the last poll. ' +
    'log: the output by lines (offset, limit). write: send data to stdin (eof: true closes it). kill: stop it and everything it started.',
  parameters: Type.Object(
    {
      action: Type.Union([Type.Literal('list'), Type.Literal('poll'), Type.Literal('log'), Type.Literal('write'), Type.Literal('kill')]),
      processId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      data: Type.Optional(Type.String({ maxLength: MAX_STDIN_WRITE_BYTES })),
      eof: Type.Optional(Type.Boolean({ description: 'write: close stdin after the data' })),
      offset: Type.Optional(Type.Integer({ minimum: 0, description: 'log: first line (0-based)' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LOG_MAX_LINES, description: `log: lines (default ${LOG_DEFAULT_LINES})` })),
    },
    { additionalProperties: false },
  ),
  async execute(args, ctx) {
    const registry = ctx.services.processes;
    const session = ctx.caller.sessionKey;
    switch (args.action) {
      case 'list':
        return { processes: registry.list(session).map((p) => p.info()) };
      case 'poll': {
        const proc = registry.get(session, need(args.processId, 'poll'));
        const info = proc.info();
        const fresh = proc.poll();
        const fitted = fitText(fresh.text, MAX_RESULT_OUTPUT_CHARS);
        return { processId: info.processId, status: info.status, exitCode: info.exitCode, signal: info.signal, durationMs: info.durationMs, output: fitted.text, truncated: fitted.cut || fresh.droppedBytes > 0 };
      }
      case 'log': {
        const proc = registry.get(session, need(args.processId, 'log'));
        const out = proc.output();
        const lines = out.text.split('\n');
        if (lines.at(-1) === '') lines.pop();
        const offset = args.offset ?? 0;
        const limit = args.limit ?? LOG_DEFAULT_LINES;
        const fitted = fitText(lines.slice(offset, offset + limit).join('\n'), MAX_RESULT_OUTPUT_CHARS);
        return { processId: proc.id, status: proc.status, offset, limit, totalLines: lines.length, output: fitted.text, droppedBytes: out.droppedBytes, truncated: fitted.cut || out.droppedBytes > 0 };
      }
      case 'write': {
        const proc = registry.get(session, need(args.processId, 'write'));
        if (args.data === undefined && args.eof !== true) throw new ClawgateError('INVALID_PARAMS', 'process write needs data (or eof: true to close stdin)');
        const written = proc.write(args.data ?? '', args.eof === true);
        return { processId: proc.id, written, eof: args.eof === true };
      }
      case 'kill': {
        const proc = registry.get(session, need(args.processId, 'kill'));
        await proc.stop('killed');
        const info = proc.info();
        return { processId: info.processId, status: info.status, exitCode: info.exitCode, signal: info.signal };
      }
    }
  },
});
