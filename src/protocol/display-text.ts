/**
 * What others send is inert on the owner's screen. Strings from clients and chat senders (a device's client id,
 * display name, platform; a Telegram sender's name; message text echoed in a log) pass through `inert` before
 * they are printed as text, and through `inertJson` before they are printed as JSON. Pure, so the CLI, the
 * logger, the doctor and a browser can all use it.
 */

/** Longest name or id of a client or chat sender shown on a screen, in characters. */
export const MAX_DISPLAY_NAME_CHARS = 64;
/** Longest free text (a log message, an error) shown on a screen, in characters. */
export const MAX_DISPLAY_TEXT_CHARS = 2_000;
/**
 * What stands in for each removed control character or escape sequence. Visible on purpose: silently dropping
 * a NUL would turn the bogus scope `operator.re\0ad` into a real-looking `operator.read`, and the owner should
 * see that a name was tampered with.
 */
export const REMOVED_MARK = '\uFFFD';
/** Ends a string that was cut at its bound. */
export const CUT_MARK = '…';

/**
 * Escape sequences (ECMA-48), each removed whole so no parameter bytes are left to read as text:
 * CSI (`ESC [` or C1 0x9B) with its parameter, intermediate and final bytes; the string controls OSC, DCS, SOS,
 * PM, APC (`ESC ]`, `ESC P`, `ESC X`, `ESC ^`, `ESC _` or their C1 forms) up to BEL or ST, or to the end when
 * unterminated (an OSC 52 clipboard write carries its payload there); any other `ESC` with its intermediates
 * and final byte.
 */
const SEQUENCE_RE = new RegExp(
  [
    '(?:\\x1b\\[|\\x9b)[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]?',
    '(?:\\x1b[\\]PX^_]|[\\x90\\x98\\x9d\\x9e\\x9f])[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?',
    '\\x1b[\\x20-\\x2f]*[\\x30-\\x7e]?',
  ].join('|'),
  'g',
);
/** Single characters a terminal acts on or that reorder text: C0, DEL, C1, bidi embeddings, overrides, isolates. */
const CONTROL_RE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
/** In JSON text, the characters of CONTROL_RE that JSON.stringify leaves raw (it escapes C0 itself). */
const JSON_RAW_CONTROL_RE = /[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The text with every escape sequence and control character replaced by REMOVED_MARK, cut to maxChars code
 * points (the last one CUT_MARK). Newlines and tabs count as control characters: a name cannot start a line.
 */
export function inert(text: string, maxChars: number): string {
  const clean = text.replace(SEQUENCE_RE, REMOVED_MARK).replace(CONTROL_RE, REMOVED_MARK);
  return bounded(clean, maxChars);
}

/** The text cut to maxChars code points (the last one CUT_MARK when cut); nothing else changed. */
export function bounded(text: string, maxChars: number): string {
  const limit = Math.max(1, Math.floor(maxChars));
  if (text.length <= limit) return text;
  const points = Array.from(text);
  return points.length <= limit ? text : `${points.slice(0, limit - 1).join('')}${CUT_MARK}`;
}

/**
 * JSON.stringify, with the characters it leaves raw (DEL, C1, bidi controls) written as \u escapes too: the
 * same data for any JSON reader, nothing a terminal acts on. Such characters only occur inside JSON strings.
 */
export function inertJson(value: unknown, indent?: number): string {
  const json = JSON.stringify(value, null, indent) ?? 'null';
  return json.replace(JSON_RAW_CONTROL_RE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
