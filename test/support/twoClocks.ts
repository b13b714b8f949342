/**
 * A machine's clocks, moved by hand and one at a time: the wall clock (which NTP or a user can
 * step), the monotonic clock (which stops while the machine sleeps), and DSM's own clock
 * (which does neither). Timers run on the monotonic clock, as `setTimeout` does.
 */
import type { Clock } from '../../src/workflow/index.js';

interface Pending {
  at: number;
  callback: () => void;
}

export class TwoClocks implements Clock {
  /** Real time gone by since the start, asleep or awake. */
  #elapsed = 0;
  #slept = 0;
  #wallStep = 0;
  #timers = new Map<number, Pending>();
  #nextId = 1;
  readonly start: number;

  constructor(start = Date.UTC(2026, 10, 29, 9, 0, 0)) {
    this.start = start;
  }

  now = (): number => this.start + this.#elapsed + this.#wallStep;
  monotonic = (): number => this.#elapsed - this.#slept;
  /** DSM's clock: real time, unaffected by this machine's steps and sleeps. */
  server = (): number => this.start + this.#elapsed;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.monotonic() + Math.max(0, ms), callback });
    return id;
  };

  clearTimeout = (id: unknown): void => {
    this.#timers.delete(id as number);
  };

  /** The wall clock steps by `ms` (negative: back); nothing else moves. */
  stepWall(ms: number): void {
    this.#wallStep += ms;
  }

  /** The machine sleeps `ms`: the wall clock and DSM move on, the monotonic clock and timers do not. */
  sleep(ms: number): void {
    this.#elapsed += ms;
    this.#slept += ms;
  }

  /** Real time passes, awake: timers fall due in order; `settle` runs after each. */
  async advance(ms: number, settle: () => Promise<void>): Promise<void> {
    const target = this.monotonic() + ms;
    for (;;) {
      let next: [number, Pending] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#elapsed += Math.max(0, next[1].at - this.monotonic());
      next[1].callback();
      await settle();
    }
    this.#elapsed += Math.max(0, target - this.monotonic());
    await settle();
  }
}

/** A few turns of the event loop with real I/O: lets loopback requests answer. */
export async function settleIo(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
