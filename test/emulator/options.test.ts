import { describe, expect, it } from 'vitest';
import {
  createEmulatorApp,
  DEMO_APP,
  DEMO_USER,
  EMULATOR_DEFAULTS,
  EmulatorOptionsError,
  isLoopbackOrigin,
  startEmulator,
} from '../../src/emulator/index.js';

describe('emulator options', () => {
  it('defaults to the documented assumptions and the demo user and app', () => {
    const { options, users, apps } = createEmulatorApp();
    expect(options).toMatchObject({
      autoLockMs: 600_000,
      sessionIdleMs: 86_400_000,
      appSessionIdleMs: 600_000,
      rpId: 'localhost',
      wrongPasswordStatus: 401,
      configLockedStatus: 403,
      configUnlockedStatus: 403,
      secondFactorPendingStatus: 403,
      terminateWhenLockedStatus: 204,
      reunlockRestartsWindow: true,
      lockScope: 'session',
      rateLimit: { maxAttempts: 5, windowMs: 300_000 },
      sendLockDeadline: false,
      attestationFormats: ['fido-u2f'],
      newChallengeRequiresUnlock: true,
      recoveryCodeCount: 10,
    });
    expect(EMULATOR_DEFAULTS.autoLockMs).toBe(600_000);
    expect(users.map((u) => u.email)).toEqual([DEMO_USER.email]);
    expect(apps).toEqual([DEMO_APP]);
  });

  it.each([
    [{ port: 70_000 }, /port/],
    [{ autoLockMs: 0 }, /autoLockMs/],
    [{ autoLockMs: Number.NaN }, /autoLockMs/],
    [{ users: [{ email: 'nope', password: 'x' }] }, /users\[0\]\.email/],
    [{ users: [{ email: 'a@b.c', password: '' }] }, /users\[0\]\.password/],
    [{ users: [{ email: 'a@b.c', password: 'x', userId: '42' }] }, /userId must be a UUID/],
    [
      {
        users: [
          { email: 'a@b.c', password: 'x' },
          { email: 'A@b.c', password: 'y' },
        ],
      },
      /twice/,
    ],
    [{ wrongPasswordStatus: 200 }, /wrongPasswordStatus/],
    [{ secondFactorPendingStatus: 404 }, /secondFactorPendingStatus/],
    [{ lockScope: 'account' }, /lockScope/],
    [{ rateLimit: { maxAttempts: 0, windowMs: 1 } }, /maxAttempts/],
    [{ attestationFormats: ['tpm'] }, /attestationFormats/],
    [{ attestationFormats: [] }, /attestationFormats/],
    [{ recoveryCodeCount: 0 }, /recoveryCodeCount/],
    [{ clock: 5 }, /clock/],
    [{ apps: [{ appId: 'x' }] }, /appId/],
  ])('refuses %j with a clear EmulatorOptionsError', (options, message) => {
    expect(() => createEmulatorApp(options as never)).toThrow(EmulatorOptionsError);
    expect(() => createEmulatorApp(options as never)).toThrow(message);
  });

  it('rejects startEmulator for an invalid option', async () => {
    await expect(startEmulator({ autoLockMs: -1 })).rejects.toThrow(EmulatorOptionsError);
  });

  it('accepts loopback WebAuthn origins by default, on any port', () => {
    expect(isLoopbackOrigin('http://localhost:5173')).toBe(true);
    expect(isLoopbackOrigin('http://127.0.0.1:8080')).toBe(true);
    expect(isLoopbackOrigin('http://localhost')).toBe(true);
    expect(isLoopbackOrigin('http://localhost.evil.example')).toBe(false);
    expect(isLoopbackOrigin('https://example.com')).toBe(false);
  });

  it('serves on 127.0.0.1 and a free port by default; close() is idempotent', async () => {
    const em = await startEmulator();
    expect(em.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(em.port).toBeGreaterThan(0);
    await em.close();
    await em.close();
  });
});
