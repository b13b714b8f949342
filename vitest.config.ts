import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The file that drives Chromium through Playwright. Playwright tracks its calls with an
 * AsyncLocalStorage, which turns on Node's promise hooks for the rest of the process: every
 * promise after it costs several times as much. It runs in a process of its own,
 * so that the rest of the suite (the library is promise-heavy) never pays for it.
 */
const CHROMIUM_FILES = ['test/e2e/chromium.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: one worker per core keeps the suite fast without thrashing.
    maxWorkers: 2,
    // Each worker keeps its modules from one test file to the next: the emulator's server stack,
    // xstate, zod and ky are imported once per worker instead of once per file (that import was
    // over half of the suite's time). Files share no state through them: every test builds its
    // own emulator, client and workflow, and test/support/perFile.ts puts back what a file may
    // leave behind (fake timers, a watched setTimeout).
    isolate: false,
    // Worker threads rather than child processes: about a sixth less CPU for the same files
    // (cheaper messages to the runner), and nothing here needs a process of its own per worker.
    pool: 'threads',
    setupFiles: ['test/support/perFile.ts'],
    experimental: {
      // The transformed modules are kept on disk (node_modules/.experimental-vitest-cache)
      // between runs: a rerun skips most of the 2-3 s of TypeScript transforms.
      fsModuleCache: true,
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...CHROMIUM_FILES],
        },
      },
      { extends: true, test: { name: 'chromium', include: CHROMIUM_FILES, pool: 'forks' } },
    ],
  },
});
