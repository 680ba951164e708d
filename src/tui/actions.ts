import type { SelectItem } from '@mariozechner/pi-tui';
import type { TuiConnection } from './connection.js';
import type { ScreenState } from './screen.js';
import type { SessionView } from './session-view.js';

/** What a slash command may do to the running TUI (the app implements it). */
export interface TuiActions {
  readonly conn: TuiConnection;
  readonly view: SessionView;
  readonly state: ScreenState;
  exit(code?: number): void;
  abort(): Promise<void>;
  switchSession(key: string): Promise<void>;
  reloadSession(): Promise<void>;
  refreshFooter(): Promise<void>;
  /** A fuzzy picker overlay: the picked value, or undefined on Esc. */
  pick(title: string, items: readonly SelectItem[]): Promise<string | undefined>;
}
