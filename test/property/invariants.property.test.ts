/**
 * The invariants of product.md under random use: sequences of user actions, clock jumps with
 * and without timers (a laptop asleep), latencies and injected faults, checked after every
 * step against the emulator's own lock state and request log.
 *
 * PROPERTY_RUNS sets the number of runs (FC_RUNS too): 250 by default, under a second; CI
 * raises it to 1000 (.ci/run). A failure prints its seed, path and shrunk counterexample;
 * FC_SEED (and FC_PATH) replay it.
 * Paste the counterexample into regressions.test.ts once it is understood.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { runScenario } from '../support/modelPropertyRunner.js';
import { scenarioArbitrary } from '../support/modelPropertySteps.js';
import { propertyRuns } from '../support/runSize.js';

const numRuns = propertyRuns(100);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const path = process.env.FC_PATH;

describe('invariants under random actions, time and faults', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterAll(() => vi.useRealTimers());

  // fast-check itself, not @fast-check/vitest's test.prop: the same runs and report (seed,
  // path, shrunk counterexample), without building test.prop's chain of modifiers at import.
  it('never unlocked while DSM is locked; requests only in their state; no secret shows; nothing hangs', async () => {
    await fc.assert(fc.asyncProperty(scenarioArbitrary, runScenario), {
      numRuns,
      ...(seed !== undefined && { seed }),
      ...(path !== undefined && { path }),
    });
  }, 120_000);
});
