/**
 * Paths generated straight from twoFactorConfigMachine (every transition its sample events can
 * take, from a fresh start and from every kind of restore), each replayed as a test of its own
 * on a live actor with scripted actors and fake time: a failing path names itself and hides no
 * other. The last test fails when a transition is never taken.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTwoFactorConfigMachine } from '../../machines/twoFactorConfig.js';
import { createMachineCoverage } from '../../src/testing/machineCoverage.js';
import { type MachinePath, machinePaths, sampleEventName } from '../../src/testing/machinePaths.js';
import { replayMachinePath } from '../../src/testing/replayMachinePath.js';
import { logCoverage } from '../support/coverageLog.js';
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

/**
 * The paths from one start, generated when the tests are collected (one test per path needs
 * them then), under a fake clock of their own. A chart that cannot be explored fails that
 * start's test instead of the whole file.
 */
function generate(options: Parameters<typeof machinePaths<typeof machine>>[1]): Path[] | Error {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  try {
    return machinePaths(machine, options);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    vi.useRealTimers();
  }
}

const suites = machineInputs.map(({ name: from, input, events }) => ({
  from,
  input,
  strategies: [
    { strategy: 'shortest', paths: generate({ ...machineSampleOptions, events, input, setClock }) },
    {
      strategy: 'simple',
      paths: generate({ ...machineSampleOptions, events, input, setClock, strategy: 'simple' }),
    },
  ],
}));

describe('twoFactorConfigMachine replays the paths generated from it', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => vi.useRealTimers());
  afterAll(() => logCoverage(coverage));

  for (const { from, input, strategies } of suites) {
    describe(`from ${from}`, () => {
      for (const { strategy, paths } of strategies) {
        if (paths instanceof Error) {
          it(`generates its ${strategy} paths`, () => {
            throw paths;
          });
          continue;
        }
        describe(`${paths.length} ${strategy} paths`, () => {
          it('are generated', () => expect(paths.length).toBeGreaterThan(0));
          for (const [index, path] of paths.entries()) {
            it(`${index + 1}: ${name(path)}`, () =>
              replayMachinePath(machine, path, {
                ...machineSampleOptions,
                input,
                timers: vi,
                coverage,
              }));
          }
        });
      }
    });
  }

  it('takes every transition of the machine and reaches every state', () => {
    const { states, transitions } = coverage.report();
    expect(transitions.missing).toEqual([]);
    expect(states.missing).toEqual([]);
  });
});
