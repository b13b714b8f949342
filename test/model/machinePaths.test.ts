/**
 * Paths generated straight from twoFactorConfigMachine (every transition its sample events can
 * take, from a fresh start and from every kind of restore), replayed on a live actor with
 * scripted actors and fake time. The last test fails when a transition is never taken.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTwoFactorConfigMachine } from '../../machines/twoFactorConfig.js';
import { createMachineCoverage } from '../../src/testing/machineCoverage.js';
import { type MachinePath, machinePaths, sampleEventName } from '../../src/testing/machinePaths.js';
import { replayMachinePath } from '../../src/testing/replayMachinePath.js';
import { machineInputs, machineSampleOptions } from '../support/modelMachineSamples.js';

const machine = createTwoFactorConfigMachine(() => Date.now());
type Path = MachinePath<typeof machine>;
const coverage = createMachineCoverage(machine);
const setClock = (now: number) => vi.setSystemTime(now);
const name = (path: Path) =>
  path.steps
    .slice(1)
    .map((step) => sampleEventName(step.event))
    .join(' → ') || '(initial state)';

// Generated before the tests are collected, under a fake clock of their own.
vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
const suites = machineInputs.map(({ name: from, input, events }) => ({
  from,
  input,
  shortest: machinePaths(machine, { ...machineSampleOptions, events, input, setClock }),
  simple: machinePaths(machine, {
    ...machineSampleOptions,
    events,
    input,
    setClock,
    strategy: 'simple',
  }),
}));
vi.useRealTimers();

describe('twoFactorConfigMachine replays the paths generated from it', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => vi.useRealTimers());
  afterAll(() => console.log(coverage.format()));

  for (const { from, input, shortest, simple } of suites) {
    describe(`from ${from}`, () => {
      it(`follows all ${shortest.length} shortest paths and ${simple.length} simple paths`, async () => {
        for (const path of [...shortest, ...simple]) {
          await replayMachinePath(machine, path, {
            ...machineSampleOptions,
            input,
            timers: vi,
            coverage,
          }).catch((error: unknown) => {
            throw new Error(`${name(path)}: ${(error as Error).message}`);
          });
        }
      });
    });
  }

  it('takes every transition of the machine and reaches every state', () => {
    const { states, transitions } = coverage.report();
    expect(transitions.missing).toEqual([]);
    expect(states.missing).toEqual([]);
  });
});
