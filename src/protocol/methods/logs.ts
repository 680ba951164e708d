import { Type } from '@sinclair/typebox';
import { defineMethod } from './define.js';

/** Most lines one logs.tail call returns. */
export const LOGS_TAIL_MAX_LIMIT = 1000;
/** Longest cursor a client may send back (a file name and a byte offset). */
export const LOGS_TAIL_MAX_CURSOR_CHARS = 64;

/** The level names a log line can have, lowest first. */
export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** logs.tail: the gateway's log lines, already redacted; the cursor continues where the last call stopped. */
export const logsTail = defineMethod({
  name: 'logs.tail',
  summary: 'The last log lines (from a level up), or the lines written after a cursor; redacted.',
  params: Type.Union([
    Type.Undefined(),
    Type.Object(
      {
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LOGS_TAIL_MAX_LIMIT })),
        level: Type.Optional(Type.Union(LOG_LEVEL_NAMES.map((l) => Type.Literal(l)))),
        cursor: Type.Optional(Type.String({ maxLength: LOGS_TAIL_MAX_CURSOR_CHARS })),
      },
      { additionalProperties: false },
    ),
  ]),
  result: Type.Object({
    lines: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    cursor: Type.String(),
  }),
  scope: 'operator.read',
});
