import { describe, expect, it } from 'vitest';
import { assign, createActor, createMachine, setup } from 'xstate';
import { createMachineCoverage } from '../../src/testing/machineCoverage.js';

const door = setup({
  guards: { isLocked: ({ context }: { context: { locked: boolean } }) => context.locked },
}).createMachine({
  id: 'door',
  context: { locked: false },
  initial: 'closed',
  states: {
    closed: {
      on: {
        open: [{ guard: 'isLocked' }, { target: 'opened' }],
        lock: { actions: assign({ locked: true }) },
      },
    },
    opened: { on: { close: 'closed' }, always: { guard: () => false, target: 'closed' } },
  },
});

describe('createMachineCoverage', () => {
  it('counts every state, and every guarded alternative and eventless transition, once', () => {
    const { states, transitions } = createMachineCoverage(door).report();
    expect(states.total).toBe(2);
    expect(transitions.total).toBe(5);
    expect(createMachineCoverage(door).transitionNames).toContain(
      'door.closed --open[1]--> door.opened',
    );
  });

  it('reports what live actors took, and names what they never did', () => {
    const coverage = createMachineCoverage(door);
    const actor = createActor(door, { inspect: coverage.inspect }).start();
    actor.send({ type: 'open' });
    actor.send({ type: 'close' });
    const { states, transitions } = coverage.report();
    expect(states).toEqual({ covered: 2, total: 2, missing: [] });
    expect(transitions.covered).toBe(2);
    expect(transitions.missing).toEqual([
      'door.closed --open[0]--> (no target)',
      'door.closed --lock[0]--> (no target)',
      'door.opened --always[0]--> door.closed',
    ]);
    expect(coverage.format()).toContain('door coverage: states 2/2 (100%), transitions 2/5 (40%)');
    expect(coverage.format()).toContain('never taken: door.closed --lock[0]--> (no target)');
  });

  it('ignores the actors of other machines in the same inspection stream', () => {
    const other = createMachine({
      id: 'other',
      initial: 'a',
      states: { a: { on: { go: 'b' } }, b: {} },
    });
    const coverage = createMachineCoverage(door);
    const actor = createActor(other, { inspect: coverage.inspect }).start();
    actor.send({ type: 'go' });
    expect(coverage.report().transitions.covered).toBe(0);
    expect(coverage.report().states.covered).toBe(0);
  });
});
