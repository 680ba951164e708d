import { Markdown, truncateToWidth, wrapTextWithAnsi } from '@mariozechner/pi-tui';
import { inert } from '../protocol/display-text.js';
import { reportParts, type ApprovalEntry, type ChatEntry, type ToolEntry } from './chat-entries.js';
import type { Theme } from './theme.js';

/** Longest tool argument summary on a collapsed card, in characters. */
export const TOOL_SUMMARY_MAX_CHARS = 100;
/** Most lines of a tool result or report body shown when expanded (the transcript keeps the rest). */
export const EXPANDED_MAX_LINES = 40;
/** Longest line of model or tool text before it is cut (an unbroken megabyte must not stall wrapping). */
const MAX_LINE_CHARS = 4_000;

/**
 * Text from the model, a tool or a peer, safe to put on the terminal: every control character and escape
 * sequence is made visible instead of acted on, line by line (newlines and tabs kept as layout).
 */
export function inertText(text: string): string {
  return text
    .split('\n')
    .map((line) => inert(line.replace(/\t/g, '    '), MAX_LINE_CHARS))
    .join('\n');
}

function wrap(text: string, width: number, style: (s: string) => string = (s) => s, indent = ''): string[] {
  const w = Math.max(1, width - indent.length);
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const pieces = raw === '' ? [''] : wrapTextWithAnsi(raw, w);
    for (const p of pieces) out.push(indent + style(p));
  }
  return out;
}

function tookText(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return inert(flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`, max);
}

function capped(lines: string[], width: number, theme: Theme, what: string): string[] {
  if (lines.length <= EXPANDED_MAX_LINES) return lines;
  return [...lines.slice(0, EXPANDED_MAX_LINES), truncateToWidth(theme.dim(`    … ${lines.length - EXPANDED_MAX_LINES} more lines (${what})`), width)];
}

function toolLines(e: ToolEntry, width: number, theme: Theme, expanded: boolean): string[] {
  const args = oneLine(JSON.stringify(e.args ?? {}), TOOL_SUMMARY_MAX_CHARS);
  const name = inert(e.name, 64);
  const state =
    e.state === 'running'
      ? theme.dim('running…')
      : e.state === 'waiting-approval'
        ? theme.warn('waiting for your approval')
        : e.state === 'ok'
          ? theme.ok(`✓ ${tookText(e.durationMs)}`.trimEnd())
          : theme.error(`✗ failed ${tookText(e.durationMs)}`.trimEnd());
  const head = `${expanded ? '▾' : '▸'} ${theme.accent(name)} ${theme.dim(args)}  ${state}`;
  const lines = [truncateToWidth(head, width)];
  if (!expanded) {
    if (e.state === 'error' && e.result) lines.push(truncateToWidth(`    ${theme.error(oneLine(e.result, width))}`, width));
    return lines;
  }
  lines.push(...wrap(inertText(JSON.stringify(e.args ?? {}, null, 2)), width, theme.dim, '    '));
  if (e.result !== undefined) lines.push(...capped(wrap(inertText(e.result), width, e.state === 'error' ? theme.error : (s) => s, '    '), width, theme, 'see clawgate sessions history'));
  return lines;
}

function approvalLines(e: ApprovalEntry, width: number, theme: Theme): string[] {
  const where = `${inert(e.cwd, 200)}${e.sandboxed ? ', sandboxed' : ''}`;
  const shortId = inert(e.id.slice(0, 8), 8);
  if (e.outcome !== undefined) {
    const mark = e.outcome.startsWith('allowed') ? theme.ok('✓') : theme.error('✗');
    return [truncateToWidth(`${mark} ${theme.bold(e.outcome)}: ${oneLine(e.command, 200)} ${theme.dim(`(approval ${shortId}, ${where})`)}`, width)];
  }
  const until = new Date(e.expiresAtMs).toLocaleTimeString();
  return [
    truncateToWidth(theme.warn(`⚠ agent ${inert(e.agentId, 64)} wants to run a command (approval ${shortId}):`), width),
    ...wrap(inertText(e.command), width, theme.bold, '    '),
    truncateToWidth(theme.dim(`    in ${where}; expires ${until}`), width),
    truncateToWidth(`    ${theme.bold('[y]')} allow once  ${theme.bold('[a]')} allow always  ${theme.bold('[n]')} deny  ${theme.dim('(keys work while the input is empty)')}`, width),
  ];
}

function reportLines(text: string, width: number, theme: Theme, expanded: boolean): string[] {
  const { title, meta, body } = reportParts(inertText(text));
  const lines = [truncateToWidth(`${theme.accent('↩')} ${theme.bold(title)}`, width), truncateToWidth(`    ${theme.dim(meta.join(' · '))}`, width)];
  const bodyLines = wrap(body, width, (s) => s, '    ');
  if (expanded) return [...lines, ...capped(bodyLines, width, theme, 'see the sub-agent session')];
  return [...lines, ...bodyLines.slice(0, 3), ...(bodyLines.length > 3 ? [truncateToWidth(theme.dim(`    … ${bodyLines.length - 3} more lines (Ctrl+O expands)`), width)] : [])];
}

/** The lines of one entry at a width. Every line fits the width (the renderer refuses wider lines). */
export function entryLines(e: ChatEntry, width: number, theme: Theme, expanded: boolean): string[] {
  switch (e.kind) {
    case 'user':
      return wrap(inertText(e.text), width - 2, e.pending ? theme.dim : theme.user).map((l, i) => truncateToWidth(`${i === 0 ? theme.user('›') : ' '} ${l}`, width));
    case 'assistant': {
      const lines = new Markdown(inertText(e.text), 0, 0, theme.markdown).render(width).map((l) => truncateToWidth(l, width));
      return e.streaming ? [...lines, theme.dim('▍')] : lines;
    }
    case 'report':
      return reportLines(e.text, width, theme, expanded);
    case 'system': {
      const style = e.tone === 'error' ? theme.error : e.tone === 'warn' ? theme.warn : theme.dim;
      return wrap(inertText(e.text), width - 2, style).map((l, i) => truncateToWidth(`${i === 0 ? style('•') : ' '} ${l}`, width));
    }
    case 'tool':
      return toolLines(e, width, theme, expanded);
    case 'approval':
      return approvalLines(e, width, theme);
  }
}
