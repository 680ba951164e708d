import { ClawgateError } from '../protocol/error-catalogue.js';

/** pino's level names and numbers, lowest first. */
export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

/** A level a log line can have. */
export type LevelName = keyof typeof LEVELS;

/** The environment variable that sets the console level. */
export const LOG_LEVEL_ENV = 'CLAWGATE_LOG_LEVEL';

/** Console level when the environment says nothing. */
export const DEFAULT_LOG_LEVEL: LevelName = 'info';

/** True for a level name a line can carry. */
export function isLevelName(value: unknown): value is LevelName {
  return typeof value === 'string' && Object.hasOwn(LEVELS, value);
}

/** The numeric level of a log entry (label or number); unknown levels count as info. */
export function levelOf(entry: Record<string, unknown>): number {
  const l = entry['level'];
  if (typeof l === 'number') return l;
  return isLevelName(l) ? LEVELS[l] : LEVELS.info;
}

/** The console level from CLAWGATE_LOG_LEVEL (`silent` turns the console off); a bad value names the choices. */
export function consoleLevelFromEnv(env: NodeJS.ProcessEnv): LevelName | 'silent' {
  const raw = env[LOG_LEVEL_ENV]?.trim().toLowerCase();
  if (!raw) return DEFAULT_LOG_LEVEL;
  if (raw === 'silent' || isLevelName(raw)) return raw;
  throw new ClawgateError('CONFIG_INVALID', `${LOG_LEVEL_ENV}="${raw.slice(0, 40)}" is not a log level; use one of ${Object.keys(LEVELS).join(', ')}, silent`);
}
