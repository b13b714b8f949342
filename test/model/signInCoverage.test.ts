/**
 * signInMachine covered with the same generic tools as twoFactorConfigMachine
 * (`createMachineCoverage`, `machinePaths`, `replayMachinePath`): only its sample events are
 * its own. Fails when a transition of the chart is never taken.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSignInMachine } from '../../machines/signIn.js';
// The tools' own modules, not the entry: the entry brings the emulator and the client along.
import { createMachineCoverage } from '../../src/testing/machineCoverage.js';
import { machinePaths } from '../../src/testing/machinePaths.js';
import { replayMachinePath } from '../../src/testing/replayMachinePath.js';
import { logCoverage } from '../support/coverageLog.js';
import {
  SIGN_IN_T0,
  signInInput,
  signInResolveEvent,
  signInRestores,
  signInSampleEvents,
  signInTimeOf,
} from '../support/modelSignInSamples.js';

const machine = createSignInMachine(() => Date.now());
const coverage = createMachineCoverage(machine);
const timers = coverage.transitionNames
  .map((name) => /--(xstate\.after\.[^[]+)\[/.exec(name)?.[1])
  .filter((type): type is string => type !== undefined);
const options = {
  events: signInSampleEvents([...new Set(timers)]),
  startAt: SIGN_IN_T0,
  timeOf: (snapshot: { context: Parameters<typeof signInTimeOf>[0] }, event: { type: string }) =>
    signInTimeOf(snapshot.context, event),
  resolveEvent: signInResolveEvent,
};

describe('signInMachine replays the paths generated from it', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => vi.useRealTimers());
  afterAll(() => logCoverage(coverage));

  it('follows every shortest path, and every restore', async () => {
    const setClock = (now: number) => vi.setSystemTime(now);
    const runs = [
      { input: signInInput, events: options.events },
      ...signInRestores.map((input) => ({ input, events: [] })),
    ];
    for (const { input, events } of runs) {
      for (const path of machinePaths(machine, { ...options, events, input, setClock })) {
        await replayMachinePath(machine, path, { ...options, input, timers: vi, coverage });
      }
    }
  });

  it('takes every transition of the machine and reaches every state', () => {
    const { states, transitions } = coverage.report();
    expect(transitions.missing).toEqual([]);
    expect(states.missing).toEqual([]);
  });
});
