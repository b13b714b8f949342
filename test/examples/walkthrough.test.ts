import { afterEach, describe, expect, it, vi } from 'vitest';
import { runWalkthrough } from '../../examples/walkthrough/runWalkthrough.js';
import { Secret } from '../../src/client/index.js';
import { createSoftAuthenticator, DEMO_USER, startEmulator } from '../../src/emulator/index.js';
import { useFakeClock } from '../support/workflowHarness.js';

describe('the npm start walkthrough', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs every step against the emulator on fake time and prints no secret', async () => {
    useFakeClock();
    const emulator = await startEmulator({ autoLockMs: 600_000 });
    const lines: string[] = [];
    try {
      const ok = await runWalkthrough({
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
      const output = lines.join('\n');
      expect(output).toContain('Done: 12 of 12 steps did what they should.');
      expect(ok).toBe(12);
      expect(output).toContain('event locked: reason timeout');
      expect(output).toContain('CONFIG_UNLOCKED');
      expect(output).toContain('RATE_LIMITED');
      expect(output).not.toContain(DEMO_USER.password);
      for (const code of emulator.user(DEMO_USER.email)?.recoveryCodes ?? []) {
        expect(output).not.toContain(code.code);
      }
    } finally {
      await emulator.close();
    }
  });
});
