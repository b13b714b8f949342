import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEMO_USER,
  type EmulatorOptions,
  messages,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import { call, lock, newChallenge, signIn, unlock } from '../support/emulatorHttp.js';

const MINUTE = 60_000;
// A frozen time source: only advanceClock moves the emulator's time, to the millisecond.
const T0 = Date.UTC(2030, 0, 1);
let em: RunningEmulator;

async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  em = await startEmulator({ clock: () => T0, ...options });
  return em;
}

afterEach(async () => {
  await em?.close();
});

describe('the 2FA-configuration lock', () => {
  it('starts locked and unlocks with the right password, answering {}', async () => {
    await start();
    const { token } = await signIn(em);
    expect(em.lockState(token)).toMatchObject({ unlocked: false, sessionAlive: true });
    const res = await unlock(em, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({});
    const state = em.lockState(token);
    expect(state.unlocked).toBe(true);
    expect(state.locksAt! - state.unlockedAt!).toBe(10 * MINUTE);
  });

  it('is unlocked at 9:59 and locked at 10:00 and after, by the emulator clock', async () => {
    await start();
    const { token } = await signIn(em);
    await unlock(em, token);
    em.advanceClock(10 * MINUTE - 1_000);
    expect(em.lockState(token).unlocked).toBe(true);
    expect(
      (await call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', { token })).status,
    ).toBe(200);
    em.advanceClock(999);
    expect(em.lockState(token).unlocked).toBe(true);
    em.advanceClock(1);
    expect(em.lockState(token)).toMatchObject({ unlocked: false, sessionAlive: true });
    const res = await call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', { token });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe(messages.configLocked);
    em.advanceClock(5 * MINUTE);
    expect(em.lockState(token).unlocked).toBe(false);
  });

  it('measures the ten minutes from the unlock, not from the last use', async () => {
    await start();
    const { token } = await signIn(em);
    await unlock(em, token);
    for (let i = 0; i < 9; i++) {
      em.advanceClock(MINUTE);
      await call(em.url, 'POST', '/sys/v1/session/refresh', { token });
    }
    em.advanceClock(MINUTE);
    expect(em.lockState(token).unlocked).toBe(false);
  });

  it('restarts the window on a second unlock', async () => {
    await start();
    const { token } = await signIn(em);
    await unlock(em, token);
    em.advanceClock(8 * MINUTE);
    await unlock(em, token);
    em.advanceClock(8 * MINUTE);
    expect(em.lockState(token).unlocked).toBe(true);
    em.advanceClock(2 * MINUTE);
    expect(em.lockState(token).unlocked).toBe(false);
  });

  it('keeps the first deadline on re-unlock when reunlockRestartsWindow is false', async () => {
    await start({ reunlockRestartsWindow: false });
    const { token } = await signIn(em);
    await unlock(em, token);
    em.advanceClock(8 * MINUTE);
    expect((await unlock(em, token)).status).toBe(200);
    em.advanceClock(2 * MINUTE);
    expect(em.lockState(token).unlocked).toBe(false);
  });

  it('follows Date by default, so fake timers that fake Date move it', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: T0 });
    try {
      em = await startEmulator();
      const { token } = await signIn(em);
      await unlock(em, token);
      vi.setSystemTime(T0 + 10 * MINUTE - 1);
      expect(em.lockState(token).unlocked).toBe(true);
      vi.setSystemTime(T0 + 10 * MINUTE);
      expect(em.lockState(token).unlocked).toBe(false);
      expect(em.now()).toBe(T0 + 10 * MINUTE);
    } finally {
      vi.useRealTimers();
    }
  });

  it('honours a shorter autoLockMs', async () => {
    await start({ autoLockMs: 30_000 });
    const { token } = await signIn(em);
    await unlock(em, token);
    em.advanceClock(29_999);
    expect(em.lockState(token).unlocked).toBe(true);
    em.advanceClock(1);
    expect(em.lockState(token).unlocked).toBe(false);
  });

  it('locks on terminate with 204, and terminate is idempotent', async () => {
    await start();
    const { token } = await signIn(em);
    await unlock(em, token);
    const first = await lock(em, token);
    expect(first.status).toBe(204);
    expect(await first.text()).toBe('');
    expect(em.lockState(token).unlocked).toBe(false);
    expect((await lock(em, token)).status).toBe(204);
    expect((await lock(em, token)).status).toBe(204);
  });

  it('answers terminateWhenLockedStatus for a terminate while locked, when configured', async () => {
    await start({ terminateWhenLockedStatus: 409 });
    const { token } = await signIn(em);
    const res = await lock(em, token);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('text/plain');
    await unlock(em, token);
    expect((await lock(em, token)).status).toBe(204);
  });

  it('keeps the lock per session', async () => {
    await start();
    const a = await signIn(em);
    const b = await signIn(em);
    await unlock(em, a.token);
    expect(em.lockState(a.token).unlocked).toBe(true);
    expect(em.lockState(b.token).unlocked).toBe(false);
    expect(
      (await call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', { token: b.token }))
        .status,
    ).toBe(403);
    await lock(em, b.token);
    expect(em.lockState(a.token).unlocked).toBe(true);
  });

  it('shares the lock between sessions of a user with lockScope "user"', async () => {
    await start({ lockScope: 'user' });
    const a = await signIn(em);
    const b = await signIn(em);
    await unlock(em, a.token);
    expect(em.lockState(b.token).unlocked).toBe(true);
    await lock(em, b.token);
    expect(em.lockState(a.token).unlocked).toBe(false);
  });

  it('ends the unlock with the session (Terminate)', async () => {
    await start();
    const { token } = await signIn(em);
    await unlock(em, token);
    expect((await call(em.url, 'POST', '/sys/v1/session/terminate', { token })).status).toBe(204);
    expect(em.lockState(token)).toEqual({ unlocked: false, sessionAlive: false });
  });

  it('tells the deadline only when sendLockDeadline is set', async () => {
    await start({ sendLockDeadline: true });
    const { token } = await signIn(em);
    const body = (await (await unlock(em, token)).json()) as Record<string, unknown>;
    expect(body.expires_in).toBe(600);
    expect(body.expires_at).toMatch(/^\d{8}T\d{6}Z$/);
  });
});

describe('wrong passwords', () => {
  it('answers 401 "Invalid password." and stays locked', async () => {
    await start();
    const { token } = await signIn(em);
    const res = await unlock(em, token, 'wrong');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toBe(messages.invalidPassword);
    expect(em.lockState(token).unlocked).toBe(false);
    // Refresh tells a wrong password (204: session alive) from an expired session (401).
    expect((await call(em.url, 'POST', '/sys/v1/session/refresh', { token })).status).toBe(204);
  });

  it('uses wrongPasswordStatus when configured', async () => {
    await start({ wrongPasswordStatus: 400 });
    const { token } = await signIn(em);
    expect((await unlock(em, token, 'wrong')).status).toBe(400);
  });

  it('answers 429 with Retry-After on the 6th attempt within 5 minutes, whatever the password', async () => {
    await start();
    const { token } = await signIn(em);
    for (let i = 0; i < 5; i++) {
      em.advanceClock(10_000);
      expect((await unlock(em, token, `wrong-${i}`)).status).toBe(401);
    }
    const limited = await unlock(em, token);
    expect(limited.status).toBe(429);
    expect(await limited.text()).toBe(messages.rateLimited);
    // The oldest failure leaves the window 300 s after it happened: 40 s were spent since.
    expect(limited.headers.get('retry-after')).toBe('260');
    expect(em.lockState(token).unlocked).toBe(false);
    em.advanceClock(260_000);
    expect((await unlock(em, token)).status).toBe(200);
  });

  it('rate-limits per user across sessions and sign-in', async () => {
    await start({ rateLimit: { maxAttempts: 2, windowMs: 60_000 } });
    const a = await signIn(em);
    const b = await signIn(em);
    expect((await unlock(em, a.token, 'x')).status).toBe(401);
    expect((await unlock(em, b.token, 'y')).status).toBe(401);
    expect((await unlock(em, b.token)).status).toBe(429);
    const auth = await call(em.url, 'POST', '/sys/v1/session/auth', {
      basic: Buffer.from(`${DEMO_USER.email}:${DEMO_USER.password}`).toString('base64'),
    });
    expect(auth.status).toBe(429);
  });

  it('does not rate-limit with rateLimit: false', async () => {
    await start({ rateLimit: false });
    const { token } = await signIn(em);
    for (let i = 0; i < 8; i++) expect((await unlock(em, token, 'nope')).status).toBe(401);
    expect((await unlock(em, token)).status).toBe(200);
  });

  it('refuses an empty or missing password with 400', async () => {
    await start();
    const { token } = await signIn(em);
    expect((await unlock(em, token, '')).status).toBe(400);
    const res = await call(em.url, 'POST', '/sys/v1/session/config_2fa/auth', { token, body: {} });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/password/);
  });
});

describe('config operations while locked', () => {
  it('refuses new_challenge, device changes and recovery codes with 403 and the locked text', async () => {
    await start();
    const { token, userId } = await signIn(em);
    const attempts = [
      call(em.url, 'POST', '/sys/v1/session/config_2fa/new_challenge?protocol=fido2', { token }),
      call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', { token }),
      call(em.url, 'PATCH', `/sys/v1/users/${userId}`, {
        token,
        body: { del_mfa_devices: [{ name: 'any' }] },
      }),
      call(em.url, 'PATCH', `/sys/v1/users/${userId}`, {
        token,
        body: { rename_mfa_devices: [{ old_name: 'a', new_name: 'b' }] },
      }),
      call(em.url, 'PATCH', `/sys/v1/users/${userId}`, {
        token,
        body: { add_mfa_devices: [{ name: 'k', attestationResult: {} }] },
      }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(await res.text()).toBe(messages.configLocked);
    }
  });

  it('uses configLockedStatus when configured', async () => {
    await start({ configLockedStatus: 423 });
    const { token } = await signIn(em);
    expect(
      (await call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', { token })).status,
    ).toBe(423);
  });

  it('lets profile fields change while locked', async () => {
    await start();
    const { token, userId } = await signIn(em);
    const res = await call(em.url, 'PATCH', `/sys/v1/users/${userId}`, {
      token,
      body: { first_name: 'Ada' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { first_name: string }).first_name).toBe('Ada');
  });

  it('issues a creation challenge while locked when newChallengeRequiresUnlock is false', async () => {
    await start({ newChallengeRequiresUnlock: false });
    const { token } = await signIn(em);
    expect((await newChallenge(em, token)).challenge).toMatch(/^[A-Za-z0-9_-]{43}=$/);
  });

  it('generates 10 codes while unlocked, each call replacing the last', async () => {
    await start();
    const { token } = await signIn(em);
    await unlock(em, token);
    const first = (await (
      await call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', { token })
    ).json()) as {
      recovery_codes: string[];
    };
    expect(first.recovery_codes).toHaveLength(10);
    expect(new Set(first.recovery_codes).size).toBe(10);
    const second = (await (
      await call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', { token })
    ).json()) as {
      recovery_codes: string[];
    };
    expect(em.user(DEMO_USER.email)?.unusedRecoveryCodes).toEqual(second.recovery_codes);
    expect(second.recovery_codes.some((c) => first.recovery_codes.includes(c))).toBe(false);
  });

  it('issues recoveryCodeCount codes when configured', async () => {
    await start({ recoveryCodeCount: 4 });
    const { token } = await signIn(em);
    await unlock(em, token);
    const body = (await (
      await call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', { token })
    ).json()) as {
      recovery_codes: string[];
    };
    expect(body.recovery_codes).toHaveLength(4);
  });
});
