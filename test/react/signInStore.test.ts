import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_USER } from '../../src/emulator/index.js';
import { watchSignIn } from '../../src/react/index.js';
import { type SignedIn, startSignedIn, until, useFakeTime } from './signedIn.js';

describe('watchSignIn', () => {
  let env: SignedIn;
  beforeEach(async () => {
    useFakeTime();
    env = await startSignedIn();
  });
  afterEach(async () => {
    await env.close();
    vi.useRealTimers();
  });

  it('follows sign-out and sign-in, with the idle deadline and how the session ended', async () => {
    const store = watchSignIn(env.signIn);
    expect(store.status).toMatchObject({ state: 'signedIn', busy: false, lastEnd: null });
    expect(store.status.userId).toBe(env.signIn.userId);
    expect(store.status.idleDeadline).toBeGreaterThan(Date.now());

    await env.signIn.signOut();
    expect(store.status).toMatchObject({
      state: 'signedOut',
      userId: null,
      idleDeadline: null,
      lastEnd: { kind: 'signedOut', reason: 'user' },
    });

    const signingIn = env.signIn.signIn({ email: DEMO_USER.email, password: DEMO_USER.password });
    expect(store.status).toMatchObject({ state: 'authenticating', busy: true });
    await signingIn;
    expect(store.status).toMatchObject({ state: 'signedIn', busy: false, lastEnd: null });
  });

  it('says the session expired when the idle deadline passes', async () => {
    const store = watchSignIn(env.signIn);
    const idle = (store.status.idleDeadline ?? 0) - Date.now();
    env.emulator.advanceClock(idle + 1_000);
    await vi.advanceTimersByTimeAsync(idle + 1_000);
    await until(() => store.status.state === 'expired', 'the idle expiry');
    expect(store.status.lastEnd).toEqual({ kind: 'expired', reason: 'idle' });
  });
});
