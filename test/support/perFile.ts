/**
 * Runs around every test file (vitest.config.ts's `setupFiles`). The workers keep their modules
 * between files (`isolate: false`), so what one file leaves in the process is put back here
 * before the next: real timers, and the global `setTimeout`/`clearTimeout` it found.
 */
import { afterAll, vi } from 'vitest';

const { setTimeout: realSetTimeout, clearTimeout: realClearTimeout } = globalThis;

afterAll(() => {
  vi.useRealTimers();
  globalThis.setTimeout = realSetTimeout;
  globalThis.clearTimeout = realClearTimeout;
});
