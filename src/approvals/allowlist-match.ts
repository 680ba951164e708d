/**
 * Exec allowlist patterns, defined so that a pattern never covers more than the owner wrote:
 *
 * - An exact pattern (anything not ending in ` *`) matches a command equal to it after whitespace
 *   normalisation: leading and trailing whitespace dropped, runs of unquoted spaces and tabs read as one
 *   space. Text inside quotes, escaped characters and newlines are kept as they are (they change what runs).
 * - A wildcard pattern `words *` matches the command `words` alone and `words` followed by a space and any
 *   arguments, on a word boundary (`git status *` never matches `git statusx`). The words themselves carry
 *   no shell syntax, and a command with any shell control syntax never matches a wildcard: a `*` pattern
 *   grants arguments, never a second command, a redirection, a substitution or an expansion.
 *
 * `*` is special only as the last word; `ls *.txt` is an exact pattern. A lone `*` is refused.
 */

/** Longest pattern accepted (the config schema's limit for tools.exec.allowlist entries). */
export const MAX_PATTERN_CHARS = 512;

/**
 * Characters that make a command more than "a program with arguments" to a POSIX shell: command separators
 * and pipes (`;` `&` `|`, newline), substitutions and expansions (backtick, any `$`), redirections (`<` `>`),
 * subshells and groups (`(` `)`), escapes and line continuations (backslash), and every control character.
 */
const CONTROL_SYNTAX = /[;&|`$<>()\\\x00-\x1f\x7f]/;

/** True when the command holds shell control syntax, which a wildcard pattern never covers. */
export function hasControlSyntax(command: string): boolean {
  return CONTROL_SYNTAX.test(command);
}

/** The command with unquoted runs of spaces and tabs as one space, trimmed; quoted and escaped text kept. */
export function normalizeCommand(command: string): string {
  let out = '';
  let quote: '"' | "'" | undefined;
  let pendingSpace = false;
  // Leading and trailing whitespace (newlines too) never changes what runs.
  const text = command.trim();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === undefined && (ch === ' ' || ch === '\t')) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) {
      out += ' ';
      pendingSpace = false;
    }
    out += ch;
    if (ch === '\\' && quote !== "'" && i + 1 < text.length) {
      // An escaped character is literal: an escaped space is not collapsed, an escaped quote opens nothing.
      out += text[++i]!;
      continue;
    }
    if (quote === undefined && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = undefined;
  }
  return out;
}

/** A pattern as parsed: the normalised text, and whether it is a `words *` wildcard (with its words). */
export type AllowlistPattern = { readonly kind: 'exact'; readonly text: string } | { readonly kind: 'prefix'; readonly text: string; readonly words: string };

/** Why a pattern is refused, or undefined when it is usable. */
export function patternProblem(pattern: string): string | undefined {
  const text = normalizeCommand(pattern);
  if (text.length === 0) return 'the pattern is empty';
  if (pattern.length > MAX_PATTERN_CHARS) return `the pattern is longer than ${MAX_PATTERN_CHARS} characters`;
  if (text === '*') return 'a lone * would allow every command; use tools.exec.security full for that';
  if (text.endsWith(' *')) {
    const words = text.slice(0, -2);
    if (hasControlSyntax(words)) return 'the words before * hold shell syntax (; & | ` $ < > ( ) \\ or a control character)';
    if (words.includes('*')) return 'only the last word of a pattern may be *';
  }
  return undefined;
}

/** Parse a pattern; undefined when patternProblem() refuses it (such a pattern matches nothing). */
export function parsePattern(pattern: string): AllowlistPattern | undefined {
  if (patternProblem(pattern) !== undefined) return undefined;
  const text = normalizeCommand(pattern);
  return text.endsWith(' *') ? { kind: 'prefix', text, words: text.slice(0, -2) } : { kind: 'exact', text };
}

/** Whether one pattern covers the command (see the rules at the top of this file). */
export function patternMatches(pattern: string, command: string): boolean {
  const parsed = parsePattern(pattern);
  if (!parsed) return false;
  const cmd = normalizeCommand(command);
  if (cmd.length === 0) return false;
  if (parsed.kind === 'exact') return cmd === parsed.text;
  if (hasControlSyntax(cmd)) return false;
  return cmd === parsed.words || cmd.startsWith(`${parsed.words} `);
}

/** The first pattern that covers the command, or undefined. */
export function firstMatch(patterns: Iterable<string>, command: string): string | undefined {
  for (const p of patterns) if (patternMatches(p, command)) return p;
  return undefined;
}
