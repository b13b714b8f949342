/**
 * A clock that moves only when told: the workflows' `clock` option and the emulator's `clock`
 * option share it, so a simulated hour costs no real time and fires no timer but ours (vitest's
 * fake timers would also fire undici's, a real millisecond each).
 */
import type { Clock } from '../../src/workflow/index.js';

interface Pending {
  at: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  #now: number;
  #timers = new Map<number, Pending>();
  #nextId = 1;

  constructor(start = Date.UTC(2026, 10, 23, 9, 0, 0)) {
    this.#now = start;
  }

  now = (): number => this.#now;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return id;
  };

  clearTimeout = (id: unknown): void => {
    this.#timers.delete(id as number);
  };

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /**
   * Moves to `target`, firing due timers in order, one at a time; `settle` runs after each
   * (let the requests a timer started finish before time moves on).
   */
  async advanceTo(target: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      let next: [number, Pending] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].at);
      next[1].callback();
      await settle();
    }
    this.#now = Math.max(this.#now, target);
    await settle();
  }
}
