import type { Clock } from '../workflow/clock.js';

/** Another tab of the same user whose configuration is unlocked, or locking. */
export interface OtherTab {
  tabId: string;
  state: 'unlocked' | 'locking';
  /** That tab's auto-lock deadline (wall-clock ms), when it is unlocked. */
  deadline: number | null;
  /** When DSM has certainly locked that tab's unlock, even if the tab never says so. */
  trustUntil: number;
}

/**
 * The other tabs that hold an unlock, each forgotten when it reports `locked` or, if it never
 * does (closed, crashed, asleep), once DSM has certainly locked by itself (`trustUntil`).
 */
export class OtherTabs {
  readonly #tabs = new Map<string, { tab: OtherTab; timer: unknown }>();
  readonly #clock: Clock;
  readonly #onChange: () => void;

  constructor(clock: Clock, onChange: () => void) {
    this.#clock = clock;
    this.#onChange = onChange;
  }

  get list(): readonly OtherTab[] {
    return [...this.#tabs.values()].map(({ tab }) => tab);
  }

  set(tab: OtherTab): void {
    this.#clear(tab.tabId);
    const delay = Math.max(0, tab.trustUntil - this.#clock.now());
    const timer = this.#clock.setTimeout(() => this.delete(tab.tabId), delay);
    this.#tabs.set(tab.tabId, { tab, timer });
    this.#onChange();
  }

  delete(tabId: string): void {
    if (this.#clear(tabId)) this.#onChange();
  }

  clearAll(): void {
    for (const tabId of [...this.#tabs.keys()]) this.#clear(tabId);
  }

  #clear(tabId: string): boolean {
    const entry = this.#tabs.get(tabId);
    if (!entry) return false;
    this.#clock.clearTimeout(entry.timer);
    this.#tabs.delete(tabId);
    return true;
  }
}
