import { vi } from 'vitest';

/**
 * Fake time for the workflow and the emulator together (`setTimeout`, `Date` and the monotonic
 * `performance.now()`); sockets, `setImmediate` and I/O stay real.
 */
export function useFakeClock(now = Date.UTC(2026, 10, 23, 9, 0, 0)): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now });
}
