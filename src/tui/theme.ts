import { Chalk } from 'chalk';
import type { EditorTheme, MarkdownTheme, SelectListTheme } from '@mariozechner/pi-tui';

/** Every style the screen uses; with colour off each is the identity (NO_COLOR, dumb terminals). */
export interface Theme {
  readonly color: boolean;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly accent: (s: string) => string;
  readonly user: (s: string) => string;
  readonly ok: (s: string) => string;
  readonly warn: (s: string) => string;
  readonly error: (s: string) => string;
  /** The header and footer bars. */
  readonly bar: (s: string) => string;
  readonly markdown: MarkdownTheme;
  readonly editor: EditorTheme;
  readonly selectList: SelectListTheme;
}

/** True unless NO_COLOR is set (to anything non-empty, https://no-color.org) or the terminal is dumb. */
export function colorWanted(env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return env['TERM'] !== 'dumb';
}

/** The theme for a terminal with or without colour. */
export function makeTheme(color: boolean): Theme {
  const c = new Chalk({ level: color ? 1 : 0 });
  const id = (s: string) => s;
  const selectList: SelectListTheme = {
    selectedPrefix: (s) => c.cyan(s),
    selectedText: (s) => (color ? c.cyan(s) : s),
    description: (s) => c.dim(s),
    scrollInfo: (s) => c.dim(s),
    noMatch: (s) => c.dim(s),
  };
  return {
    color,
    dim: (s) => c.dim(s),
    bold: (s) => c.bold(s),
    accent: (s) => c.cyan(s),
    user: (s) => c.green(s),
    ok: (s) => c.green(s),
    warn: (s) => c.yellow(s),
    error: (s) => c.red(s),
    bar: color ? (s) => c.inverse(s) : id,
    markdown: {
      heading: (s) => c.bold.cyan(s),
      link: (s) => c.underline(s),
      linkUrl: (s) => c.dim(s),
      code: (s) => c.yellow(s),
      codeBlock: (s) => c.yellow(s),
      codeBlockBorder: (s) => c.dim(s),
      quote: (s) => c.italic(s),
      quoteBorder: (s) => c.dim(s),
      hr: (s) => c.dim(s),
      listBullet: (s) => c.cyan(s),
      bold: (s) => c.bold(s),
      italic: (s) => c.italic(s),
      strikethrough: (s) => c.strikethrough(s),
      underline: (s) => c.underline(s),
    },
    editor: { borderColor: (s) => c.dim(s), selectList },
    selectList,
  };
}
