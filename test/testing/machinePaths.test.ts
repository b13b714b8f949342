import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromPromise, setup } from 'xstate';
import { createMachineCoverage } from '../../src/testing/machineCoverage.js';
import { machinePaths } from '../../src/testing/machinePaths.js';
import { replayMachinePath } from '../../src/testing/replayMachinePath.js';

const T0 = Date.UTC(2030, 0, 1);

/** A machine with an invoked actor, a timer and a clock-reading guard. */
const fetcher = setup({
  actors: { load: fromPromise<string>(() => Promise.resolve('never called in a replay')) },
  guards: { isLate: () => Date.now() >= T0 + 60_000 },
}).createMachine({
  id: 'fetcher',
  initial: 'idle',
  states: {
    idle: { on: { load: 'loading' } },
    loading: {
      invoke: { id: 'loader', src: 'load', onDone: 'done', onError: 'idle' },
      after: { 30000: 'idle' },
    },
    done: { on: { check: [{ guard: 'isLate', target: 'idle' }, { target: 'done' }] } },
  },
});

const options = {
  startAt: T0,
  events: [
    { type: 'load' },
    { type: 'check' },
    { type: 'check', late: true },
    { type: 'xstate.done.actor.loader', output: 'data' },
    { type: 'xstate.error.actor.loader', error: new Error('boom') },
    { type: 'xstate.after.30000.fetcher.loading' },
  ],
  timeOf: (_: unknown, event: { type: string; late?: boolean }) =>
    event.late ? T0 + 60_000 : undefined,
};

describe('machinePaths and replayMachinePath', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => vi.useRealTimers());

  it('generates a path to every transition, actors, timers and clock guards included', async () => {
    const coverage = createMachineCoverage(fetcher);
    const paths = machinePaths(fetcher, { ...options, setClock: (now) => vi.setSystemTime(now) });
    for (const path of paths) {
      await replayMachinePath(fetcher, path, { ...options, timers: vi, coverage });
    }
    expect(coverage.report().transitions.missing).toEqual([]);
  });

  it('fails a replay, naming the step, when the actor leaves the path', async () => {
    const [path] = machinePaths(fetcher, {
      ...options,
      setClock: (now) => vi.setSystemTime(now),
      strategy: 'simple',
    }).filter((p) => p.steps.length > 2);
    const tampered = {
      ...path!,
      steps: path!.steps.map((step, index) =>
        index === 2 ? { ...step, state: { ...step.state, value: 'idle' } } : step,
      ),
    } as typeof path;
    await expect(replayMachinePath(fetcher, tampered!, { ...options, timers: vi })).rejects.toThrow(
      /Step 2 .*the path expects "idle"/,
    );
  });
});
