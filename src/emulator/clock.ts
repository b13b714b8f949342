/**
 * The emulator's clock: a time source plus an offset that `advanceClock` moves.
 *
 * Nothing in the emulator runs on a timer. Locks, sessions and rate limits compare stored
 * instants with `now()` when a request arrives, so moving the clock is all a test needs.
 */
export interface EmulatorClock {
  /** Epoch milliseconds as the emulator sees them. */
  now(): number;
  /** Moves the emulator's time forward; returns the new `now()`. */
  advance(ms: number): number;
}

export function createClock(source: () => number): EmulatorClock {
  let offsetMs = 0;
  return {
    now: () => source() + offsetMs,
    advance(ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new RangeError(
          `advanceClock needs a finite, non-negative number of ms, got ${String(ms)}.`,
        );
      }
      offsetMs += ms;
      return source() + offsetMs;
    },
  };
}

/** DSM's timestamp format, `20170509T070912Z`. */
export function formatDsmTime(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}
