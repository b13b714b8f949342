import { assign, createActor, fromPromise, setup } from 'xstate';

/**
 * The baseline: a bare XState actor of the controller's four states (`locked → unlocking →
 * unlocked → locking`) with one pending `after` while unlocked and one guard, and nothing else:
 * no clock re-checks, no refusal codes, no persistence, no promise API.
 */
export const bareMachine = setup({
  types: {
    context: {} as { deadline: number | null },
    input: {} as { deadline?: number | null },
    events: {} as { type: 'unlock' } | { type: 'lock' } | { type: 'operation' },
  },
  actors: {
    unlock: fromPromise(async () => Date.now() + 595_000),
    terminate: fromPromise(async () => {}),
  },
  guards: {
    isBeforeDeadline: ({ context }) => context.deadline !== null && Date.now() < context.deadline,
    isRestoringUnlocked: ({ context }) => context.deadline !== null,
  },
  delays: {
    autoLock: ({ context }) => Math.max(0, (context.deadline ?? 0) - Date.now()),
  },
}).createMachine({
  id: 'bare',
  context: ({ input }) => ({ deadline: input.deadline ?? null }),
  initial: 'locked',
  states: {
    locked: {
      always: { guard: 'isRestoringUnlocked', target: 'unlocked' },
      on: {
        unlock: 'unlocking',
        // A refused operation: the guard fails, nothing happens.
        operation: { guard: 'isBeforeDeadline', target: 'locked' },
      },
    },
    unlocking: {
      invoke: {
        src: 'unlock',
        onDone: { target: 'unlocked', actions: assign({ deadline: ({ event }) => event.output }) },
      },
    },
    unlocked: {
      after: { autoLock: 'locking' },
      on: { lock: 'locking' },
    },
    locking: {
      entry: assign({ deadline: null }),
      invoke: { src: 'terminate', onDone: 'locked' },
    },
  },
});

/** A bare actor, started; unlocked at once (its auto-lock pending) when given a deadline. */
export function startBareActor(deadline: number | null = null) {
  return createActor(bareMachine, { input: { deadline } }).start();
}
