import { describe, expect, it } from 'vitest';
import { createActor, getNextSnapshot, initialTransition } from 'xstate';
import { createTestModel } from 'xstate/graph';
// The modules, not the entry: the entry brings the emulator and the client along.
import { expectationOf } from '../../src/testing/expectation.js';
import { createMachineCoverage } from '../../src/testing/machineCoverage.js';
import { createWorkflowTestModel, workflowTestPaths } from '../../src/testing/testPaths.js';
import { workflowModel } from '../../src/testing/workflowModel.js';

describe('the abstract workflow model', () => {
  it('is a machine createTestModel accepts: no invoke, no after', () => {
    expect(() => createTestModel(workflowModel)).not.toThrow();
    expect(() => createWorkflowTestModel()).not.toThrow();
  });

  it('says, in every state, what the controller and DSM must show', () => {
    const states = workflowTestPaths({ strategy: 'shortest' }).flatMap((path) =>
      path.steps.map((step) => step.state),
    );
    const seen = new Set(states.map((state) => JSON.stringify(state.value)));
    expect([...seen].sort()).toEqual(
      [
        '"asleep"',
        '"locked"',
        '"overdue"',
        '"sessionExpired"',
        '{"unlocked":"active"}',
        '{"unlocked":"expiring"}',
      ].sort(),
    );
    for (const state of states) expect(() => expectationOf(state)).not.toThrow();
  });

  it('has shortest paths that take every transition of the model', () => {
    const coverage = createMachineCoverage(workflowModel);
    for (const path of workflowTestPaths({ strategy: 'shortest' })) {
      const actor = createActor(workflowModel, { inspect: coverage.inspect }).start();
      for (const step of path.steps.slice(1)) actor.send(step.event);
      expect(actor.getSnapshot().value).toEqual(path.state.value);
    }
    expect(coverage.report().transitions.missing).toEqual([]);
  });

  it('has simple paths that visit each state at most once, with the states the events lead to', () => {
    for (const path of workflowTestPaths({ strategy: 'simple' })) {
      const values = path.steps.map((step) => JSON.stringify(step.state.value));
      expect(new Set(values).size).toBe(values.length);
      let [snapshot] = initialTransition(workflowModel);
      for (const step of path.steps.slice(1)) {
        snapshot = getNextSnapshot(workflowModel, snapshot, step.event);
        expect(snapshot.context).toEqual(step.state.context);
      }
    }
  });

  it('leaves out the events a UI cannot take, and bounds the path length', () => {
    const paths = workflowTestPaths({
      events: (event) => event.type !== 'APPROVAL_OP',
      maxSteps: 2,
    });
    const events = paths.flatMap((path) => path.steps.map((step) => step.event.type));
    expect(events).not.toContain('APPROVAL_OP');
    expect(Math.max(...paths.map((path) => path.steps.length - 1))).toBeLessThanOrEqual(2);
  });
});
