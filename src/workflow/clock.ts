/**
 * The clocks a controller runs on: the wall clock for deadlines that cross a restart, a
 * monotonic clock for deadlines inside one process, and timers for XState's delayed
 * transitions. Injectable so tests simulate ten minutes, and step each clock alone.
 */
export interface Clock {
  /** Wall-clock ms since the epoch. May step (NTP, a user setting the time). */
  now(): number;
  /**
   * A monotonic reading in ms (`performance.now()`): never steps, may pause while the machine
   * sleeps. Optional for custom clocks; without it the wall clock stands in for it.
   */
  monotonic?(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** The system clock. Reads the globals at call time, so fake timers installed later apply. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => globalThis.performance.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** The monotonic reading of a clock, or its wall clock when it has none. */
export function monotonicOf(clock: Clock): () => number {
  return clock.monotonic ? () => clock.monotonic!() : () => clock.now();
}

/** `setTimeout`'s ceiling: a larger (or non-finite) delay would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

interface LongTimer {
  inner: unknown;
}

/**
 * Sets the inner timer for the next step of at most `MAX_TIMER_MS`, `left` ms to go: a pending
 * timer holds no closure of ours unless it has to be re-armed.
 */
function arm(clock: Clock, timer: LongTimer, callback: () => void, left: number): void {
  const step = Math.min(left, MAX_TIMER_MS);
  timer.inner = clock.setTimeout(
    left > step ? () => arm(clock, timer, callback, left - step) : callback,
    step,
  );
}

/**
 * The clock with every delay clamped to `setTimeout`'s ceiling and re-armed until it has run
 * its full length: a `Retry-After` of 34 days, or of 400 digits, waits, never fires at once.
 */
export function withLongTimers(clock: Clock): Clock {
  return {
    now: () => clock.now(),
    ...(clock.monotonic && { monotonic: () => clock.monotonic!() }),
    setTimeout(callback, ms) {
      const timer: LongTimer = { inner: undefined };
      arm(clock, timer, callback, Math.max(0, ms) || 0); // NaN: at once
      return timer;
    },
    clearTimeout(id) {
      // Not one of ours (undefined, another clock's id): its `inner` is undefined, a no-op.
      clock.clearTimeout((id as LongTimer | undefined)?.inner);
    },
  };
}

/**
 * `make(clock)`, made once per clock and shared by every controller on it: a live controller
 * costs no wrapper and no machine definition of its own.
 */
export function perClock<T>(make: (clock: Clock) => T): (clock: Clock) => T {
  const made = new WeakMap<Clock, T>();
  return (clock) => {
    let value = made.get(clock);
    if (!value) {
      value = make(clock);
      made.set(clock, value);
    }
    return value;
  };
}

export const longTimersOf = /* @__PURE__ */ perClock(withLongTimers);
