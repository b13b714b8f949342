/**
 * `waitForSnapshot`, which every wait of both controllers and the store goes through: it settles
 * on any actor, whatever state the actor is in when the wait starts.
 */

import { describe, expect, it } from 'vitest';
import { createActor, createMachine, fromPromise } from 'xstate';
import { waitForSnapshot } from '../../src/controller/core.js';
import { systemClock } from '../../src/workflow/clock.js';

const stopped = () => new Error('stopped');
const timedOut = () => new Error('timed out');
const options = { clock: systemClock, stopped, timedOut };
const never = () => false;

const twoStates = createMachine({
  initial: 'a',
  states: { a: { on: { next: 'b' } }, b: { on: { finish: 'done' } }, done: { type: 'final' } },
});

describe('waitForSnapshot', () => {
  it('resolves at once when the snapshot already matches, and on the change that matches', async () => {
    const actor = createActor(twoStates).start();
    await waitForSnapshot(actor, (s) => s.matches('a'), options);
    const waiting = waitForSnapshot(actor, (s) => s.matches('b'), options);
    actor.send({ type: 'next' });
    await expect(waiting).resolves.toBeUndefined();
  });

  it.each([
    ['stopped', (actor: ReturnType<typeof createActor<typeof twoStates>>) => actor.stop()],
    [
      'done',
      (actor: ReturnType<typeof createActor<typeof twoStates>>) => {
        actor.send({ type: 'next' });
        actor.send({ type: 'finish' });
      },
    ],
  ])(
    'rejects with stopped() on an actor already %s, instead of waiting for ever',
    async (_, end) => {
      const actor = createActor(twoStates).start();
      end(actor);
      await expect(waitForSnapshot(actor, never, options)).rejects.toThrow('stopped');
    },
  );

  it('rejects when the actor stops or fails while waiting, even with an undefined error', async () => {
    const stopping = createActor(twoStates).start();
    const waitingStop = waitForSnapshot(stopping, never, options);
    stopping.stop();
    await expect(waitingStop).rejects.toThrow('stopped');

    const failing = createActor(
      createMachine({
        invoke: { src: fromPromise(() => Promise.reject(undefined)), onError: undefined },
      }),
    );
    failing.subscribe({ error: () => {} });
    failing.start();
    const waitingFailure = waitForSnapshot(failing, never, options);
    await expect(waitingFailure).rejects.toBeUndefined();
  });

  it('rejects with timedOut() after timeoutMs on its clock, and clears the timer when settled', async () => {
    const timers = new Map<number, () => void>();
    const clock = {
      now: () => 0,
      setTimeout: (callback: () => void) => timers.set(timers.size + 1, callback).size,
      clearTimeout: (id: unknown) => timers.delete(id as number),
    };
    const actor = createActor(twoStates).start();
    const timingOut = waitForSnapshot(actor, never, { ...options, clock, timeoutMs: 10 });
    timers.get(1)?.();
    await expect(timingOut).rejects.toThrow('timed out');

    const matching = waitForSnapshot(actor, (s) => s.matches('b'), {
      ...options,
      clock,
      timeoutMs: 10,
    });
    actor.send({ type: 'next' });
    await matching;
    expect(timers.size).toBe(0);
  });
});
