import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runWalkthrough } from '../../examples/walkthrough/runWalkthrough.js';
import { Secret } from '../../src/client/index.js';
import {
  createSoftAuthenticator,
  DEMO_USER,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import { useFakeClock } from '../support/fakeClock.js';

describe('the npm start walkthrough', () => {
  let emulator: RunningEmulator;
  let output = '';
  let ok = 0;

  // One run on fake time (the ten-minute auto-lock passes at once); the tests read its output.
  beforeAll(async () => {
    useFakeClock();
    emulator = await startEmulator({ autoLockMs: 600_000 });
    const lines: string[] = [];
    ok = await runWalkthrough({
      baseUrl: emulator.url,
      email: DEMO_USER.email,
      password: new Secret(DEMO_USER.password),
      autoLockMs: 600_000,
      safetyMarginMs: 5_000,
      emulator,
      authenticator: createSoftAuthenticator(),
      log: (line) => lines.push(line),
      wait: async (ms) => {
        await vi.advanceTimersByTimeAsync(ms);
      },
    });
    output = lines.join('\n');
  });

  afterAll(async () => {
    await emulator?.close();
    vi.useRealTimers();
  });

  it('runs every step against the emulator and prints no secret', () => {
    expect(output).toContain('Done: 13 of 13 steps did what they should.');
    expect(ok).toBe(13);
    expect(output).toContain('event locked: reason timeout');
    expect(output).toContain('CONFIG_UNLOCKED');
    expect(output).toContain('RATE_LIMITED');
    expect(output).not.toContain(DEMO_USER.password);
    for (const code of emulator.user(DEMO_USER.email)?.recoveryCodes ?? []) {
      expect(output).not.toContain(code.code);
    }
    // Tokens and challenges are 43-character base64url strings: none is printed.
    expect(output).not.toMatch(/[A-Za-z0-9_-]{40,}/);
  });

  it('ends every session it opened', () => {
    expect(emulator.requests.filter((r) => r.operationId === 'Terminate')).toHaveLength(5);
  });

  it('shows the sign-in chart: the key, a recovery code once, the handoff and the rate limit', () => {
    const inOrder = [
      'sign-in → authenticating',
      'sign-in event signedIn: method password',
      'sign-in event signedOut: reason user',
      'sign-in → awaitingSecondFactor.ready',
      'sign-in → awaitingSecondFactor.verifyingAssertion',
      'sign-in event signedIn: method fido2',
      'sign-in event sessionExpired: reason server',
      '2FA config → sessionExpired',
      'the configuration workflow is locked again, on the new session',
      'sign-in → awaitingSecondFactor.verifyingRecoveryCode',
      'sign-in event signedIn: method recoveryCode',
      'refused as expected: SECOND_FACTOR_FAILED',
      'sign-in → rateLimited',
      'requests sent for the second attempt: 0 (refused locally)',
    ];
    let from = 0;
    for (const expected of inOrder) {
      const at = output.indexOf(expected, from);
      expect(at, `"${expected}" after position ${from}`).toBeGreaterThan(-1);
      from = at + expected.length;
    }
  });
});
