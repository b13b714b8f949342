/**
 * A second-factor check in flight when the session ends (sign-out, dispose with sign-out) is
 * answered at once, INTERRUPTED: it does not wait for DSM's Terminate, which here never answers.
 * The chart says so itself: a request's state left without its answer emits `requestInterrupted`.
 */
import { setImmediate as realImmediate } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { createSignInMachine } from '../../machines/signIn.js';
import type { SignInEmitted, SignInEvent, SignInRestore } from '../../machines/signIn.types.js';
import type { DsmOperationId } from '../../src/emulator/index.js';
import { type SignIn, SignInInterruptedError } from '../../src/signIn/index.js';
import { type SignInTestbed, startSignInTestbed } from '../../src/testing/index.js';
import { OperationInterruptedError } from '../../src/workflow/errors.js';
import { useFakeClock } from '../support/fakeClock.js';

let h: SignInTestbed | undefined;

afterEach(async () => {
  // Past the client's timeout and dispose's wait, so that a hung Terminate holds nothing up.
  if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(60_000);
  await h?.close();
  h = undefined;
  vi.useRealTimers();
});

/** The promise's outcome after a few turns of the real event loop; no fake time passes. */
async function outcomeSoon(promise: Promise<unknown>): Promise<{ error: unknown } | 'pending'> {
  let outcome: { error: unknown } | 'pending' = 'pending';
  promise.then(
    () => {
      outcome = { error: 'resolved instead' };
    },
    (error: unknown) => {
      outcome = { error };
    },
  );
  for (let i = 0; i < 20 && outcome === 'pending'; i += 1) await realImmediate();
  return outcome;
}

const checks: Array<{
  method: string;
  operationId: DsmOperationId;
  start: (testbed: SignInTestbed, codes: string[]) => Promise<unknown>;
}> = [
  {
    method: 'completeWithRecoveryCode',
    operationId: 'RecoveryCodeAuth',
    start: ({ signIn }, codes) => signIn.completeWithRecoveryCode(codes[0]!),
  },
  {
    method: 'completeWithSecurityKey',
    operationId: 'CompleteFido2Auth',
    start: ({ signIn, authenticator }) =>
      signIn.completeWithSecurityKey((options) => authenticator.getAssertion(options)),
  },
];

const ends: Array<{ how: string; end: (signIn: SignIn) => Promise<void> }> = [
  { how: 'signOut()', end: (signIn) => signIn.signOut() },
  { how: 'dispose({ signOut: true })', end: (signIn) => signIn.dispose({ signOut: true }) },
];

describe('a second-factor check interrupted by the end of the session', () => {
  for (const { method, operationId, start } of checks) {
    for (const { how, end } of ends) {
      it(`${method} rejects INTERRUPTED as soon as ${how} is called, before Terminate answers`, async () => {
        useFakeClock();
        const t = await startSignInTestbed();
        h = t;
        const { codes } = await t.addSecurityKey();
        const signedIn = await t.signIn.signIn({ email: t.email, password: t.password });
        expect(signedIn.state).toBe('awaitingSecondFactor');
        t.emulator.injectFault({ kind: 'hang', match: { operationId } });
        t.emulator.injectFault({ kind: 'hang', match: { operationId: 'Terminate' } });

        const terminates = t.requestCount('Terminate');
        const pending = start(t, codes);
        await vi.waitFor(() => expect(t.requestCount(operationId)).toBe(1));
        expect(t.signIn.view).toMatchObject({ state: 'awaitingSecondFactor', busy: true });
        const ended = end(t.signIn);
        ended.catch(() => {});

        const outcome = await outcomeSoon(pending);
        expect(outcome).not.toBe('pending');
        const { error } = outcome as { error: unknown };
        expect(error).toBeInstanceOf(OperationInterruptedError);
        expect(error).toBeInstanceOf(SignInInterruptedError);
        expect(error).toMatchObject({ code: 'INTERRUPTED' });
        // Terminate has not answered: the sign-out itself still waits for it.
        expect(t.signIn.state).toBe('signingOut');
        expect(await outcomeSoon(ended)).toBe('pending');
        // Past the client's timeout (and dispose's wait): the end completes without an answer.
        await vi.advanceTimersByTimeAsync(60_000);
        await ended;
        expect(t.requestCount('Terminate')).toBe(terminates + 1);
      });
    }
  }
});

describe('a request whose state the chart leaves without its answer', () => {
  const SECOND_FACTOR: SignInRestore = {
    state: 'awaitingSecondFactor',
    userId: 'u1',
    sessionIdleMs: 600_000,
    idleDeadline: Date.now() + 600_000,
    secondFactor: { methods: ['fido2', 'recoveryCode'] },
  };
  const secret = { toJSON: () => '[redacted]' };
  const requests: Array<{ request: string; starts: SignInEvent[] }> = [
    { request: 'signIn', starts: [{ type: 'signIn', email: 'a@b.c', password: secret }] },
    {
      request: 'completeWithAssertion',
      starts: [{ type: 'completeWithAssertion', assertion: { id: 'server data' } }],
    },
    {
      request: 'completeWithRecoveryCode',
      starts: [{ type: 'completeWithRecoveryCode', code: secret }],
    },
  ];

  /** The chart with every request in flight until `answer` settles it. */
  function chart(answer: () => Promise<never>, restore: boolean) {
    const actors = Object.fromEntries(
      ['authenticate', 'completeFido2Auth', 'recoveryCodeAuth', 'refresh', 'terminate'].map(
        (id) => [id, fromPromise(answer)],
      ),
    );
    const actor = createActor(createSignInMachine().provide({ actors } as never), {
      input: { restore: restore ? SECOND_FACTOR : null },
    });
    const emitted: SignInEmitted[] = [];
    actor.on('*', (event) => emitted.push(event as SignInEmitted));
    return { actor: actor.start(), emitted };
  }

  for (const { request, starts } of requests) {
    for (const end of ['signOut', 'dispose', 'sessionRejected'] as const) {
      // authenticating takes no sessionRejected (no session yet).
      if (request === 'signIn' && end === 'sessionRejected') continue;
      it(`emits requestInterrupted for ${request} left by ${end}, before anything else`, () => {
        const { actor, emitted } = chart(() => new Promise<never>(() => {}), request !== 'signIn');
        for (const event of starts) actor.send(event);
        expect(actor.getSnapshot().hasTag('busy')).toBe(true);
        actor.send({ type: end });
        // Only the request's name: no secret, no server data.
        expect(emitted[0]).toEqual({ type: 'requestInterrupted', request });
        expect(emitted.filter((e) => e.type === 'requestInterrupted')).toHaveLength(1);
        actor.stop();
      });
    }

    it(`emits no requestInterrupted when ${request} gets its own answer`, async () => {
      const { actor, emitted } = chart(
        () => Promise.reject(Object.assign(new Error('no'), { code: 'OTHER' })),
        request !== 'signIn',
      );
      for (const event of starts) actor.send(event);
      await vi.waitFor(() => expect(actor.getSnapshot().hasTag('busy')).toBe(false));
      expect(emitted.map((e) => e.type)).not.toContain('requestInterrupted');
      expect(emitted.at(-1)?.type).toMatch(/Failed$/);
      actor.stop();
    });
  }

  it('answers a check left by a 401 elsewhere SESSION_EXPIRED, at once', async () => {
    useFakeClock();
    const t = await startSignInTestbed();
    h = t;
    const { codes } = await t.addSecurityKey();
    await t.signIn.signIn({ email: t.email, password: t.password });
    t.emulator.injectFault({ kind: 'hang', match: { operationId: 'RecoveryCodeAuth' } });
    const pending = t.signIn.completeWithRecoveryCode(codes[0]!);
    expect(t.signIn.view.busy).toBe(true);
    // What an attached workflow's 401 does (the handoff's sessionRejected).
    t.signIn.actor.send({ type: 'sessionRejected' });
    const outcome = await outcomeSoon(pending);
    expect(outcome).toMatchObject({ error: { code: 'SESSION_EXPIRED' } });
    expect(t.signIn.state).toBe('expired');
  });
});
