import { fuzzyFilter, type AutocompleteItem, type AutocompleteProvider, type AutocompleteSuggestions } from '@mariozechner/pi-tui';

/** The slash commands, in the order /help lists them. */
export const SLASH_COMMANDS = [
  { name: 'new', args: '', help: 'start a new session of this agent (the old one stays; /session returns to it)' },
  { name: 'reset', args: '', help: "clear this session's transcript (aborts its runs)" },
  { name: 'session', args: '[KEY]', help: 'switch session (a picker without KEY)' },
  { name: 'agent', args: '[ID]', help: "switch to an agent's main session (a picker without ID)" },
  { name: 'model', args: '[PROVIDER/MODEL]', help: "set this session's model (a picker without one)" },
  { name: 'status', args: '', help: 'gateway health, version, sessions and providers' },
  { name: 'abort', args: '', help: "abort this session's run (Esc does the same)" },
  { name: 'approvals', args: '', help: 'pending exec approvals (answer with y / a / n)' },
  { name: 'devices', args: '[approve|reject ID]', help: 'pending device pairing requests; approve or reject one' },
  { name: 'help', args: '', help: 'keys and commands' },
  { name: 'exit', args: '', help: 'leave (Ctrl+C twice does the same)' },
] as const;

export type SlashName = (typeof SLASH_COMMANDS)[number]['name'];

/** A parsed input line: a command with its argument words, or a chat message. */
export type ParsedInput = { kind: 'command'; name: SlashName; args: string[] } | { kind: 'unknown-command'; name: string } | { kind: 'message'; text: string } | { kind: 'empty' };

/** What the owner typed: `/name args...` is a command (`//text` sends `/text`); anything else is a message. */
export function parseInput(raw: string): ParsedInput {
  const text = raw.trim();
  if (text === '') return { kind: 'empty' };
  if (text.startsWith('//')) return { kind: 'message', text: text.slice(1) };
  if (!text.startsWith('/')) return { kind: 'message', text: raw.trim() };
  const [head, ...args] = text.slice(1).split(/\s+/);
  const name = (head ?? '').toLowerCase();
  const known = SLASH_COMMANDS.find((c) => c.name === name);
  return known ? { kind: 'command', name: known.name, args } : { kind: 'unknown-command', name };
}

/** The /help text. */
export function helpText(): string {
  const cmds = SLASH_COMMANDS.map((c) => `/${c.name}${c.args ? ` ${c.args}` : ''} — ${c.help}`);
  const keys = [
    'Enter sends · Alt+Enter or Shift+Enter: new line · Up/Down: input history',
    'Esc aborts the run · Ctrl+C clears the input, twice exits',
    'Ctrl+O expands tool cards and reports · PgUp/PgDn scroll the log',
    'An approval card takes y (allow once), a (allow always), n (deny) while the input is empty',
  ];
  return [...cmds, '', ...keys].join('\n');
}

/**
 * Completion of slash command names (as the first word of the input) and of the arguments some of them
 * take (sessions, agents, models: given by `argumentItems`). Nothing else completes: chat text is the
 * owner's, and file paths mean nothing to a gateway that may run elsewhere.
 */
export class SlashCompletion implements AutocompleteProvider {
  constructor(private readonly argumentItems: (command: SlashName) => readonly AutocompleteItem[] = () => []) {}

  async getSuggestions(lines: string[], cursorLine: number, cursorCol: number): Promise<AutocompleteSuggestions | null> {
    if (cursorLine !== 0) return null;
    const before = (lines[0] ?? '').slice(0, cursorCol);
    if (!before.startsWith('/') || before.startsWith('//')) return null;
    const space = before.indexOf(' ');
    if (space < 0) {
      const items = SLASH_COMMANDS.map((c) => ({ value: `/${c.name}`, label: `/${c.name}`, description: c.help }));
      // A name typed out in full needs no menu: Enter must send it, not pick it.
      if (items.some((i) => i.value === before.toLowerCase())) return null;
      const matching = before === '/' ? items : fuzzyFilter(items, before.slice(1), (i) => i.value.slice(1));
      return matching.length > 0 ? { items: matching, prefix: before } : null;
    }
    const name = before.slice(1, space).toLowerCase() as SlashName;
    const arg = before.slice(space + 1);
    if (arg.includes(' ')) return null;
    const all = [...this.argumentItems(name)];
    if (all.some((i) => i.value === arg)) return null;
    const matching = arg === '' ? all : fuzzyFilter(all, arg, (i) => i.value);
    return matching.length > 0 ? { items: matching, prefix: arg } : null;
  }

  applyCompletion(lines: string[], cursorLine: number, cursorCol: number, item: AutocompleteItem, prefix: string): { lines: string[]; cursorLine: number; cursorCol: number } {
    const line = lines[cursorLine] ?? '';
    const start = cursorCol - prefix.length;
    const insert = item.value.startsWith('/') ? `${item.value} ` : item.value;
    const next = line.slice(0, start) + insert + line.slice(cursorCol);
    const out = [...lines];
    out[cursorLine] = next;
    return { lines: out, cursorLine, cursorCol: start + insert.length };
  }
}
