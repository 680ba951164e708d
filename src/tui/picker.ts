import { fuzzyFilter, Input, matchesKey, SelectList, truncateToWidth, type Component, type Focusable, type SelectItem } from '@mariozechner/pi-tui';
import type { Theme } from './theme.js';

/** Rows of choices a picker shows at once. */
export const PICKER_VISIBLE = 10;

/**
 * A fuzzy picker: a title, a filter line, the matching choices. Typing filters (fuzzy, on value and label),
 * Up/Down move, Enter picks, Esc cancels. Used as an overlay for sessions, agents, models and devices.
 */
export class Picker implements Component, Focusable {
  readonly #input = new Input();
  #list: SelectList;
  #focused = false;
  onPick?: (item: SelectItem) => void;
  onCancel?: () => void;

  constructor(
    private readonly title: string,
    private readonly items: readonly SelectItem[],
    private readonly theme: Theme,
  ) {
    this.#list = this.#makeList(items);
  }

  get focused(): boolean {
    return this.#focused;
  }

  set focused(value: boolean) {
    this.#focused = value;
    this.#input.focused = value;
  }

  #makeList(items: readonly SelectItem[]): SelectList {
    const list = new SelectList([...items], PICKER_VISIBLE, this.theme.selectList);
    list.onSelect = (item) => this.onPick?.(item);
    list.onCancel = () => this.onCancel?.();
    return list;
  }

  /** The choices the current filter leaves, best first. */
  get matching(): SelectItem[] {
    const q = this.#input.getValue().trim();
    return q === '' ? [...this.items] : fuzzyFilter([...this.items], q, (i) => `${i.value} ${i.label}`);
  }

  handleInput(data: string): void {
    if (matchesKey(data, 'escape')) return this.onCancel?.();
    if (matchesKey(data, 'up') || matchesKey(data, 'down') || matchesKey(data, 'enter')) return this.#list.handleInput(data);
    const before = this.#input.getValue();
    this.#input.handleInput(data);
    if (this.#input.getValue() !== before) this.#list = this.#makeList(this.matching);
  }

  render(width: number): string[] {
    const inner = Math.max(10, width - 2);
    const body = [
      this.theme.bold(this.title),
      ...this.#input.render(inner - 7).map((l) => `${this.theme.dim('filter')} ${l}`),
      ...(this.#list.render(inner)),
      this.theme.dim('Enter picks · Esc cancels · type to filter'),
    ];
    const bar = this.theme.dim('─'.repeat(width));
    return [bar, ...body.map((l) => truncateToWidth(` ${l}`, width)), bar];
  }

  invalidate(): void {
    this.#list.invalidate();
  }
}
