/**
 * A controller's clocks: the wall clock for deadlines that cross a restart, a monotonic one
 * within a process, and timers for XState's delays.
 */
export interface Clock {
  /** Wall-clock ms since the epoch. May step (NTP, a user setting the time). */
  now(): number;
  /** A monotonic reading in ms (`performance.now()`); without it, the wall clock stands in. */
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

export function monotonicOf(clock: Clock): () => number {
  return clock.monotonic ? () => clock.monotonic!() : () => clock.now();
}

/** `setTimeout`'s ceiling: a larger (or non-finite) delay would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

interface LongTimer {
  inner: unknown;
}

/** Arms the next step of at most `MAX_TIMER_MS` (no closure of ours unless it re-arms). */
function arm(clock: Clock, timer: LongTimer, callback: () => void, left: number): void {
  const step = Math.min(left, MAX_TIMER_MS);
  timer.inner = clock.setTimeout(
    left > step ? () => arm(clock, timer, callback, left - step) : callback,
    step,
  );
}

/**
 * The clock with every delay re-armed past `setTimeout`'s ceiling: a `Retry-After` of 34 days,
 * or of 400 digits, waits, never fires at once.
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

/** `make(clock)` once per clock, shared: a live controller costs no wrapper or machine. */
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
