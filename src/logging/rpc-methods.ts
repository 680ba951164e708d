import { bindMethod, type BoundMethod } from '../gateway/handler.js';
import { logsTail } from '../protocol/methods/logs.js';
import { LEVELS } from './levels.js';
import { secretList } from './redact.js';
import { readLogTail } from './tail.js';

/** logs.tail reads this gateway's log files; lines are scrubbed again with the token in force now. */
const logsTailMethod = bindMethod(logsTail, (params, { gateway }) =>
  readLogTail(gateway.paths.logsDir, {
    limit: params?.limit,
    minLevel: params?.level ? LEVELS[params.level] : 0,
    cursor: params?.cursor,
    secrets: secretList([gateway.gatewayToken.secret?.reveal()]),
  }),
);

export const LOGGING_METHODS: readonly BoundMethod[] = [logsTailMethod];
