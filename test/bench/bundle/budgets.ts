/** Browser bundle budgets (bytes, minified then gzipped at level 9; 1 kB = 1 000 bytes). */
export const BUNDLE_BUDGETS = {
  /** `import { createTwoFactorConfig } from 'dsm-2fa-guard'` with every dependency. */
  totalGzip: 26_000,
  /** The library's own code in that bundle: the goal of issue 6. */
  ownGzipGoal: 5_000,
  /**
   * What CI enforces for the own code while the goal is not met (7.15 kB at the last commit,
   * 7.57 kB with the work in progress when this was set; see docs/performance.md, whose
   * table `npm run bench -- --readme` writes): it may shrink, not grow much. Lower it as the
   * code shrinks; at 5 000 it is the goal.
   */
  ownGzipCeiling: 8_000,
} as const;

/** What must never be in the browser bundle: the Node-only entry points and their dependencies. */
export const FORBIDDEN_INPUTS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'the emulator (src/emulator)', pattern: /^src\/emulator\// },
  { name: 'the testing entry (src/testing)', pattern: /^src\/testing\// },
  { name: 'hono', pattern: /(^|\/)node_modules\/(hono|@hono\/[^/]+)\// },
  { name: '@simplewebauthn/server', pattern: /(^|\/)node_modules\/@simplewebauthn\/server\// },
];
