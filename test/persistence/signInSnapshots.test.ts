/**
 * The finding of issue 11 §5 against the emulator: a sign-in snapshot edited from "second
 * factor pending" to `signedIn` is restored as signed in, unless a snapshotKey signs it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PersistedSignIn } from '../../src/signIn/index.js';
import { type SignInTestbed, startSignInTestbed } from '../../src/testing/index.js';
import { asKey, KEY, OTHER_KEY } from './fixtures.js';

let h: SignInTestbed;
afterEach(() => h?.close());

/** What an attacker with write access to the store does to a pending sign-in. */
function forgeSignedIn(pending: PersistedSignIn): PersistedSignIn {
  return {
    ...pending,
    state: 'signedIn',
    method: 'password',
    lastRefreshAt: pending.savedAt,
    secondFactor: null,
  };
}

async function pendingSignIn(snapshotKey?: string) {
  h = await startSignInTestbed({ signIn: { snapshotKey: asKey(snapshotKey) } });
  const { authenticator } = await h.addSecurityKey();
  const first = h.createSignIn();
  expect((await first.signIn({ email: h.email, password: h.password })).state).toBe(
    'awaitingSecondFactor',
  );
  const stored = first.persist();
  const token = first.token!.reveal();
  // DSM's challenge is server data: the app keeps it beside the token, not in the snapshot.
  const fido2Options = first.secondFactor!.fido2Options!;
  expect(JSON.stringify(stored)).not.toContain(fido2Options.challenge);
  await first.dispose();
  return { stored, token, fido2Options, authenticator };
}

describe('sign-in snapshots with a snapshotKey', () => {
  it('without a key, an edited pending snapshot is restored as signed in (the finding)', async () => {
    const { stored, token } = await pendingSignIn();
    expect(stored.signature).toBeUndefined();
    expect(h.createSignIn({ snapshot: forgeSignedIn(stored), token }).state).toBe('signedIn');
  });

  it('with a key, refuses the pending snapshot edited to signedIn, signed or not', async () => {
    const { stored, token } = await pendingSignIn(KEY);
    expect(stored.signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const forged = forgeSignedIn(stored);
    expect(() => h.createSignIn({ snapshot: forged, token })).toThrow(
      expect.objectContaining({ code: 'INVALID_SNAPSHOT', reason: 'forged' }),
    );
    const { signature: _, ...unsigned } = forged;
    expect(() => h.createSignIn({ snapshot: JSON.stringify(unsigned), token })).toThrow(
      expect.objectContaining({ code: 'INVALID_SNAPSHOT', reason: 'unsigned' }),
    );
    expect(h.requestCount('Refresh')).toBe(0);
  });

  it('resumes the genuine pending snapshot, completes it, and signs what it persists next', async () => {
    const { stored, token, fido2Options, authenticator } = await pendingSignIn(KEY);
    const resumed = h.createSignIn({ snapshot: JSON.stringify(stored), token, fido2Options });
    expect(resumed.state).toBe('awaitingSecondFactor');
    await expect(
      resumed.completeWithSecurityKey((options) => authenticator.getAssertion(options)),
    ).resolves.toMatchObject({ state: 'signedIn', method: 'fido2' });
    const signedIn = resumed.persist();
    expect(h.createSignIn({ snapshot: signedIn, token }).state).toBe('signedIn');
    expect(() =>
      h.createSignIn({ snapshot: signedIn, token, snapshotKey: asKey(OTHER_KEY) }),
    ).toThrow(expect.objectContaining({ reason: 'forged' }));
  });

  it('puts no secret in a signed snapshot: no password, token or key', async () => {
    const { stored, token } = await pendingSignIn(KEY);
    const text = JSON.stringify(stored);
    for (const secret of [h.password, token, KEY, KEY.slice(16)])
      expect(text).not.toContain(secret);
  });

  it('refuses a key shorter than 32 bytes when created, before any snapshot exists', async () => {
    h = await startSignInTestbed();
    expect(() => h.createSignIn({ snapshotKey: asKey('too-short-to-be-a-key') })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});
