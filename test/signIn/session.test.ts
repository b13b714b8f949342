import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidSignInSnapshotError,
  SignedOutError,
  SignInDisposedError,
} from '../../src/signIn/index.js';
import {
  nextSignInEvent,
  type SignInTestbed,
  startSignInTestbed,
} from '../../src/testing/index.js';
import { useFakeClock } from '../support/fakeClock.js';

const MINUTE = 60_000;
let h: SignInTestbed;

afterEach(async () => {
  await h?.close();
  vi.useRealTimers();
});

describe('the signed-in session', () => {
  it('stays alive past DSM idle timeout while the app reports activity (one Refresh a minute)', async () => {
    useFakeClock();
    h = await startSignInTestbed({
      emulator: { sessionIdleMs: 10 * MINUTE },
      signIn: { refreshIntervalMs: MINUTE },
    });
    await h.signIn.signIn({ email: h.email, password: h.password });
    const token = h.signIn.token!.reveal();
    for (let minute = 0; minute < 20; minute++) {
      for (let i = 0; i < 6; i++) h.signIn.activity(); // many input events, one Refresh
      const refreshed = nextSignInEvent(h.signIn, 'sessionRefreshed');
      await vi.advanceTimersByTimeAsync(MINUTE);
      await refreshed;
    }
    expect(h.requestCount('Refresh')).toBe(20);
    expect(h.signIn.state).toBe('signedIn');
    expect(h.emulator.lockState(token).sessionAlive).toBe(true);
  });

  it('expires after the idle timeout without activity: Terminate sent, sessionExpired emitted', async () => {
    useFakeClock();
    h = await startSignInTestbed({ signIn: { idleTimeoutMs: 15 * MINUTE } });
    await h.signIn.signIn({ email: h.email, password: h.password });
    const token = h.signIn.token!.reveal();
    const expired = nextSignInEvent(h.signIn, 'sessionExpired');
    await vi.advanceTimersByTimeAsync(15 * MINUTE);
    expect(await expired).toEqual({ type: 'sessionExpired', reason: 'idle' });
    expect(h.signIn.state).toBe('expired');
    expect(h.signIn.client).toBeNull();
    expect(h.signIn.token).toBeNull();
    // The app's timeout is shorter than DSM's 24 h: only the Terminate ended it.
    expect(h.requestCount('Terminate')).toBe(1);
    expect(h.emulator.lockState(token).sessionAlive).toBe(false);
  });

  it('moves to expired when Refresh answers 401', async () => {
    useFakeClock();
    h = await startSignInTestbed({ signIn: { refreshIntervalMs: MINUTE } });
    await h.signIn.signIn({ email: h.email, password: h.password });
    h.emulator.expireSession(h.signIn.token!.reveal());
    await vi.advanceTimersByTimeAsync(MINUTE);
    const expired = nextSignInEvent(h.signIn, 'sessionExpired');
    h.signIn.activity();
    expect(await expired).toEqual({ type: 'sessionExpired', reason: 'server' });
    expect(h.requestCount('Terminate')).toBe(0);
  });

  it('signs out with Terminate: DSM refuses the old token afterwards', async () => {
    h = await startSignInTestbed();
    await h.signIn.signIn({ email: h.email, password: h.password });
    const client = h.signIn.client!;
    const userId = h.signIn.userId!;
    const signedOut = nextSignInEvent(h.signIn, 'signedOut');
    await h.signIn.signOut();
    expect(await signedOut).toEqual({ type: 'signedOut', reason: 'user' });
    expect(h.signIn.state).toBe('signedOut');
    await expect(client.getUser(userId)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await h.signIn.signOut(); // already signed out: nothing to do
    expect(h.requestCount('Terminate')).toBe(1);
  });

  it('dispose keeps the DSM session unless asked to sign out; later calls reject DISPOSED', async () => {
    h = await startSignInTestbed();
    await h.signIn.signIn({ email: h.email, password: h.password });
    const kept = h.signIn.token!.reveal();
    await h.signIn.dispose();
    expect(h.emulator.lockState(kept).sessionAlive).toBe(true);
    await expect(h.signIn.signIn({ email: h.email, password: h.password })).rejects.toBeInstanceOf(
      SignInDisposedError,
    );

    const other = h.createSignIn();
    await other.signIn({ email: h.email, password: h.password });
    const ended = other.token!.reveal();
    await other.dispose({ signOut: true });
    expect(h.emulator.lockState(ended).sessionAlive).toBe(false);
  });

  it('persists without the token and resumes with the token the app stored', async () => {
    useFakeClock();
    h = await startSignInTestbed();
    await h.signIn.signIn({ email: h.email, password: h.password });
    const stored = JSON.stringify(h.signIn.persist());
    const token = h.signIn.token!.reveal();
    expect(stored).not.toContain(token);
    expect(JSON.parse(stored)).toMatchObject({ state: 'signedIn', method: 'password' });

    const resumed = h.createSignIn({ snapshot: stored, token });
    expect(resumed.state).toBe('signedIn');
    await expect(resumed.client!.getUser(resumed.userId!)).resolves.toBeDefined();
    expect(() => h.createSignIn({ snapshot: stored })).toThrow(InvalidSignInSnapshotError);
    expect(() => h.createSignIn({ snapshot: '{nope', token })).toThrow(/not valid JSON/);
    expect(() =>
      h.createSignIn({ snapshot: { ...JSON.parse(stored), version: 9 }, token }),
    ).toThrow(/newer/);

    // Stored past its idle deadline: the resume terminates the session and says expired.
    vi.setSystemTime(Date.now() + 86_400_000);
    const late = h.createSignIn({ snapshot: stored, token });
    await vi.waitFor(() => expect(late.state).toBe('expired'));
    expect(h.emulator.lockState(token).sessionAlive).toBe(false);
  });

  it('resumes a pending second factor in another process (a stateless back end)', async () => {
    h = await startSignInTestbed();
    const { authenticator } = await h.addSecurityKey();
    const first = h.createSignIn();
    const { state } = await first.signIn({ email: h.email, password: h.password });
    expect(state).toBe('awaitingSecondFactor');
    const stored = first.persist();
    const token = first.token!.reveal();
    const fido2Options = first.secondFactor!.fido2Options!;
    await first.dispose();

    // Without DSM's challenge (server data, never in the snapshot) only a recovery code works.
    const withoutChallenge = h.createSignIn({ snapshot: stored, token });
    expect(withoutChallenge.secondFactor).toMatchObject({
      fido2Options: null,
      allowedMethods: ['recoveryCode'],
    });
    await withoutChallenge.dispose();
    const second = h.createSignIn({ snapshot: stored, token, fido2Options });
    expect(second.secondFactor?.allowedMethods).toEqual(['fido2', 'recoveryCode']);
    await expect(
      second.completeWithSecurityKey((options) => authenticator.getAssertion(options)),
    ).resolves.toMatchObject({ state: 'signedIn', method: 'fido2' });
  });

  it('refuses to create a configuration workflow while signed out', () => {
    return startSignInTestbed().then((started) => {
      h = started;
      expect(() => h.signIn.createTwoFactorConfig()).toThrow(SignedOutError);
    });
  });
});
