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

type Style = (s: string) => string;

/**
 * One SGR style. A style closed inside the text (a bold word in a dim line share the close code 22) is
 * opened again after it, so the rest of the text keeps the outer style. Written here rather than loaded
 * from chalk: it is all the screen needs, and it costs nothing at start-up.
 */
function sgr(open: number, close: number): Style {
  const on = `\x1b[${open}m`;
  const off = `\x1b[${close}m`;
  return (s) => on + s.replaceAll(off, off + on) + off;
}

const both =
  (a: Style, b: Style): Style =>
  (s) =>
    a(b(s));

/** The theme for a terminal with or without colour. */
export function makeTheme(color: boolean): Theme {
  const id: Style = (s) => s;
  const st = (open: number, close: number): Style => (color ? sgr(open, close) : id);
  const c = { bold: st(1, 22), dim: st(2, 22), italic: st(3, 23), underline: st(4, 24), inverse: st(7, 27), strikethrough: st(9, 29), red: st(31, 39), green: st(32, 39), yellow: st(33, 39), cyan: st(36, 39) };
  const selectList: SelectListTheme = {
    selectedPrefix: c.cyan,
    selectedText: c.cyan,
    description: c.dim,
    scrollInfo: c.dim,
    noMatch: c.dim,
  };
  return {
    color,
    dim: c.dim,
    bold: c.bold,
    accent: c.cyan,
    user: c.green,
    ok: c.green,
    warn: c.yellow,
    error: c.red,
    bar: c.inverse,
    markdown: {
      heading: both(c.bold, c.cyan),
      link: c.underline,
      linkUrl: c.dim,
      code: c.yellow,
      codeBlock: c.yellow,
      codeBlockBorder: c.dim,
      quote: c.italic,
      quoteBorder: c.dim,
      hr: c.dim,
      listBullet: c.cyan,
      bold: c.bold,
      italic: c.italic,
      strikethrough: c.strikethrough,
      underline: c.underline,
    },
    editor: { borderColor: c.dim, selectList },
    selectList,
  };
}
