import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { createSoftAuthenticator } from '../../src/emulator/index.js';
import { startSignInTestbed } from '../../src/testing/index.js';
import { useFakeClock } from '../support/fakeClock.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('the sign-in keeps secrets out of sight', () => {
  it('shows no password, token or recovery code in inspection, snapshots, events or errors', async () => {
    useFakeClock();
    const h = await startSignInTestbed({ signIn: { refreshIntervalMs: 60_000 } });
    try {
      const { authenticator, codes } = await h.addSecurityKey();
      // Inspection events travel to an inspector as JSON; everything else an app may log.
      const inspected: string[] = [];
      const logged: unknown[] = [];
      const tokens: string[] = [];
      const signIn = h.createSignIn({
        inspect: (event: InspectionEvent) => inspected.push(JSON.stringify(event)),
      });
      signIn.actor.on('*', (event) => logged.push(event));
      const record = () => {
        const token = signIn.token?.reveal();
        if (token) tokens.push(token);
        logged.push(signIn.persist(), signIn.view);
        inspected.push(JSON.stringify(signIn.actor.getPersistedSnapshot()));
      };
      const attempt = async (fn: () => Promise<unknown>) => {
        try {
          logged.push(await fn());
        } catch (error) {
          logged.push(error, (error as { toJSON?: () => unknown }).toJSON?.());
        }
        record();
      };

      await attempt(() => signIn.signIn({ email: h.email, password: 'wrong password' }));
      await attempt(() => signIn.signIn({ email: h.email, password: h.password }));
      await attempt(() => signIn.completeWithRecoveryCode('WRONG-CODE-1234'));
      await attempt(() => signIn.completeWithRecoveryCode(codes[0]!));
      signIn.activity();
      await vi.advanceTimersByTimeAsync(60_000);
      await vi.waitFor(() => expect(h.requestCount('Refresh')).toBe(1));
      await attempt(() => signIn.signOut());
      await attempt(() => signIn.signIn({ email: h.email, password: h.password }));
      await attempt(() => signIn.completeWithRecoveryCode(codes[0]!));
      await attempt(() =>
        signIn.completeWithSecurityKey((options) => authenticator.getAssertion(options)),
      );
      const stranger = createSoftAuthenticator();
      await attempt(() => signIn.completeWithSecurityKey((o) => stranger.getAssertion(o)));
      await attempt(() => signIn.signOut());

      const text = [
        ...inspected,
        JSON.stringify(logged),
        ...logged.map((value) => inspect(value, { depth: 8 })),
      ].join('\n');
      expect(inspected.length).toBeGreaterThan(50);
      expect(tokens.length).toBeGreaterThanOrEqual(2);
      expect(text).not.toContain(h.password);
      for (const token of tokens) expect(text).not.toContain(token);
      for (const code of codes) expect(text).not.toContain(code);
      expect(text).toContain('[redacted]');
    } finally {
      await h.close();
    }
  });
});
