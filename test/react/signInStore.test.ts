import { describe, expect, it, vi } from 'vitest';
import { DEMO_USER } from '../../src/emulator/index.js';
import { watchSignIn } from '../../src/react/index.js';
import { signedInPerTest, until } from './signedIn.js';

describe('watchSignIn', () => {
  const world = signedInPerTest();

  it('follows sign-out and sign-in, with the idle deadline and how the session ended', async () => {
    const store = watchSignIn(world().signIn);
    expect(store.status).toMatchObject({ state: 'signedIn', busy: false, lastEnd: null });
    expect(store.status.userId).toBe(world().signIn.userId);
    expect(store.status.idleDeadline).toBeGreaterThan(Date.now());

    await world().signIn.signOut();
    expect(store.status).toMatchObject({
      state: 'signedOut',
      userId: null,
      idleDeadline: null,
      lastEnd: { kind: 'signedOut', reason: 'user' },
    });

    const signingIn = world().signIn.signIn({
      email: DEMO_USER.email,
      password: DEMO_USER.password,
    });
    expect(store.status).toMatchObject({ state: 'authenticating', busy: true });
    await signingIn;
    expect(store.status).toMatchObject({ state: 'signedIn', busy: false, lastEnd: null });
  });

  it('says the session expired when the idle deadline passes', async () => {
    const store = watchSignIn(world().signIn);
    const idle = (store.status.idleDeadline ?? 0) - Date.now();
    world().emulator.advanceClock(idle + 1_000);
    await vi.advanceTimersByTimeAsync(idle + 1_000);
    await until(() => store.status.state === 'expired', 'the idle expiry');
    expect(store.status.lastEnd).toEqual({ kind: 'expired', reason: 'idle' });
  });
});
