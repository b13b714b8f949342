import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { createSignInMachine, signInFailureKind, signInMachine } from '../../machines/signIn.js';
import type {
  AuthenticateInput,
  AuthenticateOutput,
  CompleteFido2AuthInput,
  RecoveryCodeAuthInput,
  SessionTouchOutput,
  SignInEmitted,
  SignInInput,
} from '../../machines/signIn.types.js';

const password = { toJSON: () => '[redacted]' };
const code = { toJSON: () => '[redacted]' };
const DAY = 86_400_000;
const challenge = {
  methods: ['fido2', 'recoveryCode'] as const,
};

const fail = (codeName: string, extra: object = {}) =>
  Promise.reject(Object.assign(new Error(codeName), { code: codeName, ...extra }));

/** The machine with scripted actors; every request is recorded, none crosses a wire. */
function harness(input: SignInInput = {}) {
  const calls: string[] = [];
  const touched = (): Promise<SessionTouchOutput> => Promise.resolve({ sentAt: Date.now() });
  const script = {
    authenticate: (): Promise<AuthenticateOutput> =>
      Promise.resolve({ userId: 'u1', sentAt: Date.now(), idleTimeoutMs: DAY, secondFactor: null }),
    completeFido2Auth: touched,
    recoveryCodeAuth: touched,
    refresh: touched,
    terminate: (): Promise<void> => Promise.resolve(),
  };
  const record = <T, I>(name: keyof typeof script) =>
    fromPromise<T, I>(async () => {
      calls.push(name);
      return (script[name] as () => Promise<T>)();
    });
  const machine = createSignInMachine(() => Date.now()).provide({
    actors: {
      authenticate: record<AuthenticateOutput, AuthenticateInput>('authenticate'),
      completeFido2Auth: record<SessionTouchOutput, CompleteFido2AuthInput>('completeFido2Auth'),
      recoveryCodeAuth: record<SessionTouchOutput, RecoveryCodeAuthInput>('recoveryCodeAuth'),
      refresh: record<SessionTouchOutput, void>('refresh'),
      terminate: record<void, void>('terminate'),
    },
  });
  const actor = createActor(machine, { input });
  const emitted: SignInEmitted[] = [];
  actor.on('*', (event) => emitted.push(event as SignInEmitted));
  actor.start();
  const top = () => {
    const value = actor.getSnapshot().value;
    return typeof value === 'string' ? value : Object.keys(value)[0];
  };
  const signIn = () => actor.send({ type: 'signIn', email: 'a@b.c', password });
  return { actor, calls, script, emitted, top, signIn };
}

const flush = () => vi.advanceTimersByTimeAsync(0);
const T0 = 1_000_000;

describe('signInMachine', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts signed out and loads on its own, with placeholder actors that fail clearly', async () => {
    const actor = createActor(signInMachine, { input: {} }).start();
    expect(actor.getSnapshot().value).toBe('signedOut');
    actor.send({ type: 'signIn', email: 'a@b.c', password });
    await flush();
    expect(actor.getSnapshot().value).toBe('signedOut');
    expect(actor.getSnapshot().context.lastError?.message).toMatch(/not provided/);
    actor.stop();
  });

  it('signs in without a second factor and arms the idle deadline from the send time', async () => {
    const h = harness();
    h.signIn();
    expect(h.top()).toBe('authenticating');
    await flush();
    expect(h.actor.getSnapshot().value).toEqual({ signedIn: 'idle' });
    expect(h.actor.getSnapshot().context).toMatchObject({
      userId: 'u1',
      method: 'password',
      sessionIdleMs: DAY,
      idleDeadline: T0 + DAY,
    });
    expect(h.emitted).toContainEqual({
      type: 'signedIn',
      userId: 'u1',
      method: 'password',
      idleTimeoutMs: DAY,
    });
  });

  it('uses the shorter of the app idle timeout and DSM expires_in', async () => {
    const h = harness({ idleTimeoutMs: 900_000 });
    h.signIn();
    await flush();
    expect(h.actor.getSnapshot().context.idleDeadline).toBe(T0 + 900_000);
    const long = harness({ idleTimeoutMs: 2 * DAY });
    long.signIn();
    await flush();
    expect(long.actor.getSnapshot().context.sessionIdleMs).toBe(DAY);
  });

  it('waits for the second factor when DSM asks for one, and tells which methods', async () => {
    const h = harness();
    h.script.authenticate = () =>
      Promise.resolve({
        userId: 'u1',
        sentAt: Date.now(),
        idleTimeoutMs: DAY,
        secondFactor: { ...challenge, methods: [...challenge.methods] },
      });
    h.signIn();
    await flush();
    expect(h.actor.getSnapshot().value).toEqual({ awaitingSecondFactor: 'ready' });
    expect(h.emitted).toContainEqual({
      type: 'secondFactorRequired',
      userId: 'u1',
      methods: ['fido2', 'recoveryCode'],
    });
    expect(h.emitted.some((e) => e.type === 'signedIn')).toBe(false);
  });

  it('goes back to signedOut on wrong credentials, emitting the failure', async () => {
    const h = harness();
    h.script.authenticate = () => fail('SIGN_IN_FAILED');
    h.signIn();
    await flush();
    expect(h.top()).toBe('signedOut');
    expect(h.emitted).toContainEqual(
      expect.objectContaining({ type: 'signInFailed', failure: 'wrongCredentials' }),
    );
  });

  it('after a 429 refuses sign-ins locally until Retry-After has passed, then signs in', async () => {
    const h = harness();
    h.script.authenticate = () => fail('RATE_LIMITED', { retryAfterMs: 30_000 });
    h.signIn();
    await flush();
    expect(h.top()).toBe('rateLimited');
    h.signIn();
    expect(h.calls).toEqual(['authenticate']);
    expect(h.emitted).toContainEqual({
      type: 'requestRefused',
      request: 'signIn',
      code: 'RATE_LIMITED',
      retryAfterMs: 30_000,
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.top()).toBe('signedOut');
  });

  it('falls back to rateLimitFallbackMs without Retry-After, and trusts the clock over a late timer', async () => {
    const h = harness({ rateLimitFallbackMs: 5_000 });
    h.script.authenticate = () => fail('RATE_LIMITED');
    h.signIn();
    await flush();
    expect(h.actor.getSnapshot().context.retryAt).toBe(T0 + 5_000);
    vi.setSystemTime(T0 + 5_000); // the clock moved, the timer has not fired
    h.script.authenticate = () =>
      Promise.resolve({ userId: 'u1', sentAt: Date.now(), idleTimeoutMs: DAY, secondFactor: null });
    h.signIn();
    expect(h.top()).toBe('authenticating');
    await flush();
    expect(h.top()).toBe('signedIn');
  });

  describe('the second factor', () => {
    async function pending(input: SignInInput = {}) {
      const h = harness(input);
      h.script.authenticate = () =>
        Promise.resolve({
          userId: 'u1',
          sentAt: Date.now(),
          idleTimeoutMs: DAY,
          secondFactor: { ...challenge, methods: [...challenge.methods] },
        });
      h.signIn();
      await flush();
      return h;
    }

    it('signs in with an accepted assertion, counting the idle time from its send', async () => {
      const h = await pending();
      await vi.advanceTimersByTimeAsync(10_000);
      h.actor.send({ type: 'completeWithAssertion', assertion: { id: 'x' } });
      expect(h.actor.getSnapshot().value).toEqual({ awaitingSecondFactor: 'verifyingAssertion' });
      await flush();
      expect(h.actor.getSnapshot().context).toMatchObject({
        method: 'fido2',
        idleDeadline: T0 + 10_000 + DAY,
        secondFactor: null,
      });
      expect(h.emitted).toContainEqual(
        expect.objectContaining({ type: 'signedIn', method: 'fido2' }),
      );
    });

    it('stays waiting after a refused assertion or recovery code, and signs in with a good code', async () => {
      const h = await pending();
      h.script.completeFido2Auth = () => fail('SECOND_FACTOR_FAILED');
      h.actor.send({ type: 'completeWithAssertion', assertion: {} });
      await flush();
      expect(h.actor.getSnapshot().value).toEqual({ awaitingSecondFactor: 'ready' });
      h.script.recoveryCodeAuth = () => fail('SECOND_FACTOR_FAILED');
      h.actor.send({ type: 'completeWithRecoveryCode', code });
      await flush();
      expect(h.actor.getSnapshot().value).toEqual({ awaitingSecondFactor: 'ready' });
      expect(h.emitted.filter((e) => e.type === 'secondFactorFailed')).toEqual([
        expect.objectContaining({ method: 'fido2', failure: 'rejected' }),
        expect.objectContaining({ method: 'recoveryCode', failure: 'rejected' }),
      ]);
      h.script.recoveryCodeAuth = () => Promise.resolve({ sentAt: Date.now() });
      h.actor.send({ type: 'completeWithRecoveryCode', code });
      await flush();
      expect(h.top()).toBe('signedIn');
      expect(h.actor.getSnapshot().context.method).toBe('recoveryCode');
    });

    it('refuses a second request while one is being verified, without a request', async () => {
      const h = await pending();
      h.actor.send({ type: 'completeWithAssertion', assertion: {} });
      h.actor.send({ type: 'completeWithRecoveryCode', code });
      h.actor.send({ type: 'signIn', email: 'a@b.c', password });
      expect(h.emitted.filter((e) => e.type === 'requestRefused')).toEqual([
        { type: 'requestRefused', request: 'completeWithRecoveryCode', code: 'BUSY' },
        { type: 'requestRefused', request: 'signIn', code: 'ALREADY_SIGNED_IN' },
      ]);
      expect(h.calls).toEqual(['authenticate', 'completeFido2Auth']);
    });

    it('cools down after a 429 on recovery codes, refusing locally until then', async () => {
      const h = await pending();
      h.script.recoveryCodeAuth = () => fail('RATE_LIMITED', { retryAfterMs: 10_000 });
      h.actor.send({ type: 'completeWithRecoveryCode', code });
      await flush();
      expect(h.actor.getSnapshot().value).toEqual({ awaitingSecondFactor: 'rateLimited' });
      h.actor.send({ type: 'completeWithAssertion', assertion: {} });
      h.actor.send({ type: 'completeWithRecoveryCode', code });
      expect(h.calls.filter((c) => c !== 'authenticate')).toEqual(['recoveryCodeAuth']);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(h.actor.getSnapshot().value).toEqual({ awaitingSecondFactor: 'ready' });
    });

    it('moves to expired when DSM answers 401 to the second factor', async () => {
      const h = await pending();
      h.script.completeFido2Auth = () => fail('SESSION_EXPIRED');
      h.actor.send({ type: 'completeWithAssertion', assertion: {} });
      await flush();
      expect(h.top()).toBe('expired');
      expect(h.emitted).toContainEqual({ type: 'sessionExpired', reason: 'server' });
    });

    it('terminates the pending session on signOut', async () => {
      const h = await pending();
      h.actor.send({ type: 'signOut' });
      expect(h.top()).toBe('signingOut');
      await flush();
      expect(h.top()).toBe('signedOut');
      expect(h.calls).toContain('terminate');
      expect(h.emitted).toContainEqual({ type: 'signedOut', reason: 'user' });
    });
  });

  describe('the session', () => {
    async function signedIn(input: SignInInput = {}) {
      const h = harness({ refreshIntervalMs: 60_000, idleTimeoutMs: 600_000, ...input });
      h.signIn();
      await flush();
      return h;
    }

    it('refreshes at most once per interval while the app reports activity', async () => {
      const h = await signedIn();
      h.actor.send({ type: 'activity' });
      expect(h.actor.getSnapshot().value).toEqual({ signedIn: 'active' });
      for (let i = 0; i < 10; i++) h.actor.send({ type: 'activity' });
      await vi.advanceTimersByTimeAsync(59_999);
      expect(h.calls).not.toContain('refresh');
      await vi.advanceTimersByTimeAsync(1);
      expect(h.calls.filter((c) => c === 'refresh')).toHaveLength(1);
      expect(h.actor.getSnapshot().value).toEqual({ signedIn: 'idle' });
      expect(h.actor.getSnapshot().context.idleDeadline).toBe(T0 + 60_000 + 600_000);
      expect(h.emitted).toContainEqual({
        type: 'sessionRefreshed',
        idleDeadline: T0 + 660_000,
      });
      // Quiet for a whole interval: the next activity refreshes at once.
      await vi.advanceTimersByTimeAsync(60_000);
      h.actor.send({ type: 'activity' });
      expect(h.actor.getSnapshot().value).toEqual({ signedIn: 'refreshing' });
    });

    it('expires after the idle timeout without activity: terminates, then emits sessionExpired', async () => {
      const h = await signedIn();
      await vi.advanceTimersByTimeAsync(599_999);
      expect(h.top()).toBe('signedIn');
      await vi.advanceTimersByTimeAsync(1);
      expect(h.calls).toContain('terminate');
      expect(h.top()).toBe('expired');
      expect(h.emitted).toContainEqual({ type: 'sessionExpired', reason: 'idle' });
      expect(h.actor.getSnapshot().context.userId).toBeNull();
    });

    it('expires on activity reported after a late timer, without a Refresh', async () => {
      const h = await signedIn();
      vi.setSystemTime(T0 + 600_000); // a laptop waking up: the clock jumped, timers did not run
      h.actor.send({ type: 'activity' });
      expect(h.top()).toBe('signingOut');
      expect(h.calls).not.toContain('refresh');
      await flush();
      expect(h.top()).toBe('expired');
    });

    it('keeps retrying a failed Refresh at the interval, and still expires at the deadline', async () => {
      const h = await signedIn();
      h.script.refresh = () => fail('NETWORK');
      h.actor.send({ type: 'activity' });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(h.actor.getSnapshot().value).toEqual({ signedIn: 'active' });
      expect(h.emitted).toContainEqual(expect.objectContaining({ type: 'refreshFailed' }));
      await vi.advanceTimersByTimeAsync(540_000);
      expect(h.calls.filter((c) => c === 'refresh')).toHaveLength(9);
      expect(h.top()).toBe('expired');
      expect(h.emitted).toContainEqual({ type: 'sessionExpired', reason: 'idle' });
    });

    it('moves to expired when Refresh answers 401, without a Terminate', async () => {
      const h = await signedIn();
      h.script.refresh = () => fail('SESSION_EXPIRED');
      await vi.advanceTimersByTimeAsync(60_000);
      h.actor.send({ type: 'activity' });
      await flush();
      expect(h.top()).toBe('expired');
      expect(h.calls).not.toContain('terminate');
      expect(h.emitted).toContainEqual({ type: 'sessionExpired', reason: 'server' });
    });

    it('refreshes at least twice per idle window when the interval is longer', async () => {
      const h = await signedIn({ refreshIntervalMs: 3_600_000, idleTimeoutMs: 600_000 });
      h.actor.send({ type: 'activity' });
      await vi.advanceTimersByTimeAsync(300_000);
      expect(h.calls).toContain('refresh');
    });

    it('signs out with Terminate, even when Terminate fails', async () => {
      const h = await signedIn();
      h.script.terminate = () => fail('NETWORK');
      h.actor.send({ type: 'signOut' });
      await flush();
      expect(h.top()).toBe('signedOut');
      expect(h.emitted).toContainEqual({ type: 'signedOut', reason: 'user' });
      expect(h.actor.getSnapshot().context.lastError?.code).toBe('NETWORK');
    });

    it('moves to expired when the app reports a 401 elsewhere (sessionRejected)', async () => {
      const h = await signedIn();
      h.actor.send({ type: 'sessionRejected' });
      expect(h.top()).toBe('expired');
      expect(h.calls).not.toContain('terminate');
    });

    it('signs out with reason dispose', async () => {
      const h = await signedIn();
      h.actor.send({ type: 'dispose' });
      await flush();
      expect(h.emitted).toContainEqual({ type: 'signedOut', reason: 'dispose' });
    });

    it('refuses a second sign-in and a stray second factor, without a request', async () => {
      const h = await signedIn();
      h.signIn();
      h.actor.send({ type: 'completeWithAssertion', assertion: {} });
      expect(h.emitted.filter((e) => e.type === 'requestRefused')).toEqual([
        { type: 'requestRefused', request: 'signIn', code: 'ALREADY_SIGNED_IN' },
        {
          type: 'requestRefused',
          request: 'completeWithAssertion',
          code: 'NOT_AWAITING_SECOND_FACTOR',
        },
      ]);
      expect(h.calls).toEqual(['authenticate']);
    });
  });

  it('abandons a sign-in in flight on signOut or dispose, aborting its request', async () => {
    let aborted = 0;
    const machine = createSignInMachine(() => Date.now()).provide({
      actors: {
        authenticate: fromPromise<AuthenticateOutput, AuthenticateInput>(
          ({ signal }) =>
            new Promise((_, reject) => {
              signal.addEventListener('abort', () => {
                aborted += 1;
                reject(new Error('aborted'));
              });
            }),
        ),
      },
    });
    for (const type of ['signOut', 'dispose'] as const) {
      const actor = createActor(machine, { input: {} });
      const emitted: SignInEmitted[] = [];
      actor.on('*', (e) => emitted.push(e as SignInEmitted));
      actor.start();
      actor.send({ type: 'signIn', email: 'a@b.c', password });
      actor.send({ type });
      expect(actor.getSnapshot().value).toBe('signedOut');
      expect(emitted).toContainEqual({
        type: 'signedOut',
        reason: type === 'signOut' ? 'user' : 'dispose',
      });
      actor.stop();
    }
    expect(aborted).toBe(2);
  });

  describe('restore', () => {
    const session = {
      userId: 'u1',
      method: 'fido2' as const,
      sessionIdleMs: 600_000,
      lastRefreshAt: T0 - 100_000,
    };

    it('restores a live session and re-arms the idle timer from the stored deadline', async () => {
      const h = harness({ restore: { state: 'signedIn', ...session, idleDeadline: T0 + 500_000 } });
      expect(h.actor.getSnapshot().value).toEqual({ signedIn: 'idle' });
      expect(h.actor.getSnapshot().context.restore).toBeNull();
      await vi.advanceTimersByTimeAsync(500_000);
      expect(h.top()).toBe('expired');
    });

    it('terminates a stored session whose idle deadline has passed', async () => {
      const h = harness({ restore: { state: 'signedIn', ...session, idleDeadline: T0 - 1 } });
      expect(h.top()).toBe('signingOut');
      await flush();
      expect(h.calls).toEqual(['terminate']);
      expect(h.top()).toBe('expired');
    });

    it('restores a pending second factor and an expired session', () => {
      const pendingOne = harness({
        restore: {
          state: 'awaitingSecondFactor',
          userId: 'u1',
          sessionIdleMs: DAY,
          idleDeadline: T0 + DAY,
          secondFactor: { methods: ['fido2'] },
        },
      });
      expect(pendingOne.actor.getSnapshot().value).toEqual({ awaitingSecondFactor: 'ready' });
      expect(pendingOne.actor.getSnapshot().context.secondFactor?.methods).toEqual(['fido2']);
      const expired = harness({ restore: { state: 'expired', reason: 'idle' } });
      expect(expired.top()).toBe('expired');
      expect(expired.actor.getSnapshot().context.expiryReason).toBe('idle');
    });
  });

  it('reads failures by code only', () => {
    expect(signInFailureKind({ code: 'UNAUTHORIZED' })).toBe('sessionExpired');
    expect(signInFailureKind({ code: 'SIGN_IN_FAILED' })).toBe('wrongCredentials');
    expect(signInFailureKind(null)).toBe('other');
    expect(signInFailureKind('RATE_LIMITED')).toBe('other');
  });

  it('keeps the password and recovery code out of its persisted snapshot', async () => {
    const secret = 'hunter2-do-not-show';
    const wrapped = { toJSON: () => '[redacted]', value: secret };
    const h = harness();
    h.actor.send({ type: 'signIn', email: 'a@b.c', password: wrapped });
    const text = JSON.stringify(h.actor.getPersistedSnapshot());
    expect(text).not.toContain(secret);
    await flush();
    expect(JSON.stringify(h.actor.getPersistedSnapshot())).not.toContain(secret);
  });
});
