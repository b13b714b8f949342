/**
 * A clock that moves only when told. Give it to the workflow (`clock`), to the emulator
 * (`clock: clock.now`) and to the testbed (`time`): a simulated hour then costs no real time and
 * fires no timer but theirs (a test runner's fake timers also fire the HTTP stack's).
 */
import type { Clock } from '../workflow/clock.js';
import type { TimeControl } from './timeControl.js';

interface Pending {
  at: number;
  callback: () => void;
}

/** Lets what a timer started finish before time moves on (the requests it sent, say). */
export type Settle = () => Promise<void>;

export class ManualClock implements Clock, TimeControl {
  #now: number;
  #timers = new Map<number, Pending>();
  #nextId = 1;
  readonly #settle: Settle;

  /**
   * @param start the wall-clock time it starts at (epoch ms).
   * @param settle run after each timer fires (default: one turn of the event loop).
   */
  constructor(start = Date.UTC(2026, 10, 23, 9, 0, 0), settle?: Settle) {
    this.#now = start;
    this.#settle = settle ?? (() => new Promise((resolve) => setImmediate(resolve)));
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
   * Moves to `target`, firing due timers in order, one at a time; `settle` runs first (what
   * already started runs before any timer, as it does on real time), after each and at the end.
   */
  async advanceTo(target: number, settle: Settle = this.#settle): Promise<void> {
    await settle();
    for (;;) {
      const next = this.#next(target);
      if (!next) break;
      await this.#fire(next, settle);
    }
    this.#now = Math.max(this.#now, target);
    await settle();
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.#now + ms);
  }

  /** Fires the earliest timer, after letting what already started settle. */
  async nextTimer(): Promise<void> {
    await this.#settle();
    const next = this.#next(Number.POSITIVE_INFINITY);
    if (next) await this.#fire(next, this.#settle);
  }

  /** Moves the clock by `ms` and fires nothing: a machine asleep (its timers fire late). */
  jump(ms: number): void {
    this.#now += ms;
  }

  /** The earliest timer due by `target`. */
  #next(target: number): [number, Pending] | undefined {
    let next: [number, Pending] | undefined;
    for (const entry of this.#timers) {
      if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
    }
    return next;
  }

  async #fire([id, timer]: [number, Pending], settle: Settle): Promise<void> {
    this.#timers.delete(id);
    this.#now = Math.max(this.#now, timer.at);
    timer.callback();
    await settle();
  }
}
