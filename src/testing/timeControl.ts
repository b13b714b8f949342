/**
 * How the testbed moves time. The controller and the emulator both read `Date.now()` and arm
 * `setTimeout`, so one set of fake timers moves them together; sockets stay real.
 */
export interface TimeControl {
  /** Moves the clock by `ms`, running the timers that fall due on the way. */
  advance(ms: number): Promise<void>;
  /** Runs the next pending timer, whenever it is due, moving the clock to it. */
  nextTimer(): Promise<void>;
  /** Moves the clock by `ms` without running any timer: a laptop that slept. */
  jump(ms: number): void;
}

/**
 * The fake-timer functions the testbed needs, as vitest's `vi` (and Jest's `jest`) have them.
 * Install fake timers for `setTimeout`, `clearTimeout` and `Date` first, and leave
 * `setImmediate` and the I/O alone, e.g.
 * `vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })`.
 */
export interface FakeTimers {
  advanceTimersByTimeAsync(ms: number): unknown;
  advanceTimersToNextTimerAsync(): unknown;
  setSystemTime(now: number): unknown;
}

/** A `TimeControl` over your test runner's fake timers: `fakeTimersControl(vi)`. */
export function fakeTimersControl(timers: FakeTimers): TimeControl {
  return {
    async advance(ms) {
      await timers.advanceTimersByTimeAsync(ms);
    },
    async nextTimer() {
      await timers.advanceTimersToNextTimerAsync();
    },
    jump(ms) {
      timers.setSystemTime(Date.now() + ms);
    },
  };
}
