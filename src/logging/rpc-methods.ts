import { implement, type MethodImpl } from '../protocol/methods/define.js';
import { logsTail } from '../protocol/methods/logs.js';
import { LEVELS } from './levels.js';
import { secretList } from './redact.js';
import { readLogTail } from './tail.js';

/** logs.tail reads this gateway's log files; lines are scrubbed again with the secrets in force now. */
export function loggingMethods(logsDir: string, secrets: () => ReadonlyArray<string | undefined>): readonly MethodImpl[] {
  return [
    implement(logsTail, (params) =>
      readLogTail(logsDir, {
        limit: params?.limit,
        minLevel: params?.level ? LEVELS[params.level] : 0,
        cursor: params?.cursor,
        secrets: secretList([...secrets()]),
      }),
    ),
  ];
}
