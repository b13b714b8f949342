import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Secret } from '../../src/client/index.js';
import {
  AlreadySignedInError,
  NotAwaitingSecondFactorError,
  SecondFactorFailedError,
  SignInBusyError,
  SignInFailedError,
  SignInInvalidInputError,
  SignInRateLimitedError,
} from '../../src/signIn/index.js';
import { type SignInTestbed, startSignInTestbed } from '../../src/testing/index.js';
import { useFakeClock } from '../support/fakeClock.js';

let h: SignInTestbed;

beforeEach(async () => {
  useFakeClock();
  h = await startSignInTestbed();
});

afterEach(async () => {
  await h.close();
  vi.useRealTimers();
});

describe('createSignIn against the emulator', () => {
  it('signs in a user without devices in one step and hands out the session client', async () => {
    const result = await h.signIn.signIn({ email: h.email, password: h.password });
    expect(result).toEqual({ state: 'signedIn', userId: expect.any(String), method: 'password' });
    expect(h.signIn.state).toBe('signedIn');
    expect(h.signIn.userId).toBe(result.userId);
    expect(h.signIn.token).toBeInstanceOf(Secret);
    const user = await h.signIn.client!.getUser(result.userId);
    expect(user.user_email).toBe(h.email);
  });

  it('asks for the security key once one is registered, and signs in with it', async () => {
    const { authenticator } = await h.addSecurityKey();
    const result = await h.signIn.signIn({ email: h.email, password: h.password });
    expect(result).toMatchObject({
      state: 'awaitingSecondFactor',
      allowedMethods: ['fido2', 'recoveryCode'],
      fido2Options: { challenge: expect.any(String), rpId: 'localhost' },
    });
    expect(h.signIn.client).toBeNull();
    expect(h.emulator.lockState(h.signIn.token!.reveal()).secondFactorPending).toBe(true);

    const signedIn = await h.signIn.completeWithSecurityKey((options) =>
      authenticator.getAssertion(options),
    );
    expect(signedIn).toEqual({ state: 'signedIn', userId: result.userId, method: 'fido2' });
    expect(h.emulator.lockState(h.signIn.token!.reveal()).secondFactorPending).toBe(false);
    await expect(h.signIn.client!.getUser(result.userId)).resolves.toBeDefined();
  });

  it('accepts a recovery code once; the same code a second time is refused and the sign-in stays pending', async () => {
    const { codes } = await h.addSecurityKey();
    await h.signIn.signIn({ email: h.email, password: h.password });
    await expect(h.signIn.completeWithRecoveryCode(codes[0]!)).resolves.toMatchObject({
      method: 'recoveryCode',
    });
    await h.signIn.signOut();

    await h.signIn.signIn({ email: h.email, password: h.password });
    const error = await h.signIn.completeWithRecoveryCode(codes[0]!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecondFactorFailedError);
    expect(error).toMatchObject({ code: 'SECOND_FACTOR_FAILED', method: 'recoveryCode' });
    expect(h.signIn.state).toBe('awaitingSecondFactor');
    await expect(h.signIn.completeWithRecoveryCode(codes[1]!)).resolves.toMatchObject({
      state: 'signedIn',
    });
  });

  it('refuses an assertion from a key DSM does not know, and stays pending', async () => {
    await h.addSecurityKey();
    await h.signIn.signIn({ email: h.email, password: h.password });
    const { createSoftAuthenticator } = await import('../../src/emulator/index.js');
    const stranger = createSoftAuthenticator();
    await stranger.createCredential({
      rp: { name: 'x', id: 'localhost' },
      user: { id: 'AAAA', name: 'x', displayName: 'x' },
      challenge: 'AAAA',
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    });
    await expect(
      h.signIn.completeWithSecurityKey((options) =>
        stranger.getAssertion({ ...options, allowCredentials: [] }),
      ),
    ).rejects.toMatchObject({ code: 'SECOND_FACTOR_FAILED', method: 'fido2' });
    expect(h.signIn.state).toBe('awaitingSecondFactor');
  });

  it('rejects a wrong password with SIGN_IN_FAILED and stays signed out', async () => {
    const error = await h.signIn
      .signIn({ email: h.email, password: 'not-the-password' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInFailedError);
    expect(h.signIn.state).toBe('signedOut');
    expect(h.signIn.token).toBeNull();
  });

  it('hits the rate limit, refuses further attempts without a request, then lets the user in', async () => {
    for (let i = 0; i < 5; i++) {
      await expect(
        h.signIn.signIn({ email: h.email, password: `wrong-${i}` }),
      ).rejects.toBeInstanceOf(SignInFailedError);
    }
    const limited = await h.signIn
      .signIn({ email: h.email, password: 'wrong-again' })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(SignInRateLimitedError);
    const retryAfterMs = (limited as SignInRateLimitedError).retryAfterMs ?? 0;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(h.signIn.state).toBe('rateLimited');

    const before = h.requestCount('Authenticate');
    const refused = await h.signIn
      .signIn({ email: h.email, password: h.password })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SignInRateLimitedError);
    expect(h.requestCount('Authenticate')).toBe(before);

    await vi.advanceTimersByTimeAsync(retryAfterMs);
    expect(h.signIn.state).toBe('signedOut');
    await expect(h.signIn.signIn({ email: h.email, password: h.password })).resolves.toMatchObject({
      state: 'signedIn',
    });
  });

  it('waits rateLimitFallbackMs after a 429 without Retry-After', async () => {
    const signIn = h.createSignIn({ rateLimitFallbackMs: 5_000 });
    h.emulator.injectFault({ kind: 'status', status: 429, match: { operationId: 'Authenticate' } });
    const limited = await signIn.signIn({ email: h.email, password: h.password }).catch((e) => e);
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: undefined });
    const refused = await signIn.signIn({ email: h.email, password: h.password }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 5_000 });
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(signIn.signIn({ email: h.email, password: h.password })).resolves.toMatchObject({
      state: 'signedIn',
    });
  });

  it('refuses calls that do not fit the state, with typed errors and no request', async () => {
    const before = h.requestCount();
    await expect(h.signIn.completeWithRecoveryCode('ABCD-EFGH')).rejects.toBeInstanceOf(
      NotAwaitingSecondFactorError,
    );
    await expect(h.signIn.completeWithSecurityKey(() => ({}) as never)).rejects.toBeInstanceOf(
      NotAwaitingSecondFactorError,
    );
    await expect(h.signIn.signIn({ email: '', password: h.password })).rejects.toBeInstanceOf(
      SignInInvalidInputError,
    );
    await expect(h.signIn.signIn({ email: h.email, password: '' })).rejects.toBeInstanceOf(
      SignInInvalidInputError,
    );
    expect(h.requestCount()).toBe(before);

    const first = h.signIn.signIn({ email: h.email, password: h.password });
    await expect(h.signIn.signIn({ email: h.email, password: h.password })).rejects.toBeInstanceOf(
      SignInBusyError,
    );
    await first;
    await expect(h.signIn.signIn({ email: h.email, password: h.password })).rejects.toBeInstanceOf(
      AlreadySignedInError,
    );
    expect(h.requestCount('Authenticate')).toBe(1);
  });

  it('abandons a sign-in in flight on signOut, rejecting it INTERRUPTED', async () => {
    h.emulator.injectFault({ kind: 'latency', ms: 1_000, match: { operationId: 'Authenticate' } });
    const pending = h.signIn
      .signIn({ email: h.email, password: h.password })
      .catch((e: unknown) => e);
    expect(h.signIn.state).toBe('authenticating');
    await h.signIn.signOut();
    expect(await pending).toMatchObject({ code: 'INTERRUPTED' });
    expect(h.signIn.state).toBe('signedOut');
    await vi.advanceTimersByTimeAsync(1_000);
  });
});
