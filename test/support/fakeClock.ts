import { vi } from 'vitest';
import { fakeTimersControl, type WorkflowTestbedOptions } from '../../src/testing/index.js';

/**
 * Fake time for the workflow and the emulator together (`setTimeout`, `Date` and the monotonic
 * `performance.now()`); sockets, `setImmediate` and I/O stay real.
 */
export function useFakeClock(now = Date.UTC(2026, 10, 23, 9, 0, 0)): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now });
}

/**
 * Testbed options for tests that await the workflow on real timers (the testbed only moves
 * time in `settle`), with the client's quick retries: a backoff costs real time there.
 */
export const ON_REAL_TIME = {
  time: fakeTimersControl(vi),
  securityKey: false,
  client: { retry: { limit: 2, backoffMs: 10, maxBackoffMs: 50 } },
} satisfies Partial<WorkflowTestbedOptions>;
