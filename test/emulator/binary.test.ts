/**
 * DSM's two binary types on the wire, checked with Go's decoders as DSM's Go client runs them:
 * `Blob` (challenge_token) as padded standard base64, `Base64UrlSafe` (challenge, user.id,
 * credential ids) as base64url padded by default or unpadded with `base64UrlPadding: false`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type DsmAssertionResult,
  type DsmRequestOptions,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import { call, newChallenge, registerKey, signIn, unlock } from '../support/emulatorHttp.js';
import { goAccepts, goDecode } from './support/goBase64.js';

let em: RunningEmulator;

afterEach(async () => {
  await em?.close();
});

/** Signs in a user with a registered key; returns the Authenticate answer. */
async function signInAnswer(padded: boolean) {
  em = await startEmulator({ base64UrlPadding: padded });
  const authenticator = await registerKey(em, await signIn(em));
  const { body, token } = await signIn(em);
  return { body, token, authenticator };
}

/** Every Base64UrlSafe value in creation or request options. */
function base64UrlSafeValues(options: Record<string, unknown>): string[] {
  const user = options.user as { entity?: { id: string } } | undefined;
  const descriptors = [
    ...((options.excludeCredentials as { id: string }[] | undefined) ?? []),
    ...((options.allowCredentials as { id: string }[] | undefined) ?? []),
  ];
  return [
    String(options.challenge),
    ...(user?.entity ? [user.entity.id] : []),
    ...descriptors.map((d) => d.id),
  ];
}

describe('Blob fields', () => {
  it.each([true, false])(
    'sends challenge_token as padded standard base64, as Go StdEncoding reads it (base64UrlPadding %s)',
    async (padded) => {
      const { body } = await signInAnswer(padded);
      const [method] = body.allowed_mfa_methods as { Fido2: { challenge_token: string } }[];
      const token = String(method?.Fido2.challenge_token);
      expect(goDecode('StdEncoding', token)).toHaveLength(32);
      expect(token).toMatch(/=$/);
      expect(goAccepts('RawURLEncoding', token)).toBe(false);
    },
  );
});

describe('Base64UrlSafe fields', () => {
  it('are padded by default, as Go URLEncoding reads them: assertion options', async () => {
    const { body } = await signInAnswer(true);
    const values = base64UrlSafeValues(body.fido2_assertion_options as Record<string, unknown>);
    expect(values).toHaveLength(2);
    for (const value of values) {
      expect(goAccepts('URLEncoding', value), value).toBe(true);
      expect(goAccepts('RawURLEncoding', value), value).toBe(false);
    }
  });

  it.each([
    [true, 'URLEncoding', 'RawURLEncoding'],
    [false, 'RawURLEncoding', 'URLEncoding'],
  ] as const)(
    'creation options with base64UrlPadding %s: challenge, user.id and excluded ids read by Go %s only',
    async (padded, reads, refuses) => {
      em = await startEmulator({ base64UrlPadding: padded });
      const session = await signIn(em);
      await registerKey(em, session);
      await unlock(em, session.token);
      const options = (await newChallenge(em, session.token)) as unknown as Record<string, unknown>;
      const values = base64UrlSafeValues(options);
      expect(values).toHaveLength(3);
      for (const value of values) {
        expect(goAccepts(reads, value), value).toBe(true);
        expect(goAccepts(refuses, value), value).toBe(false);
      }
    },
  );

  it('are unpadded with base64UrlPadding: false, as Go RawURLEncoding reads them', async () => {
    const { body } = await signInAnswer(false);
    const values = base64UrlSafeValues(body.fido2_assertion_options as Record<string, unknown>);
    expect(values).toHaveLength(2);
    for (const value of values) {
      expect(goAccepts('RawURLEncoding', value), value).toBe(true);
      expect(goAccepts('URLEncoding', value), value).toBe(false);
    }
  });
});

describe('what clients send', () => {
  const pad = (text: string) => text.padEnd(Math.ceil(text.length / 4) * 4, '=');
  const forms = {
    'padded base64url': (v: string) => pad(Buffer.from(v, 'base64url').toString('base64url')),
    'unpadded base64url': (v: string) => Buffer.from(v, 'base64url').toString('base64url'),
    'padded standard base64': (v: string) => Buffer.from(v, 'base64url').toString('base64'),
    'unpadded standard base64': (v: string) =>
      Buffer.from(v, 'base64url').toString('base64').replace(/=+$/, ''),
  };

  it.each(Object.keys(forms) as (keyof typeof forms)[])(
    'is read in any form: an assertion in %s completes the sign-in',
    async (form) => {
      const { body, token, authenticator } = await signInAnswer(true);
      const assertion = await authenticator.getAssertion(
        body.fido2_assertion_options as DsmRequestOptions,
      );
      const encode = forms[form];
      const sent: DsmAssertionResult = {
        id: encode(assertion.id),
        type: 'public-key',
        response: {
          clientDataJSON: encode(assertion.response.clientDataJSON),
          authenticatorData: encode(assertion.response.authenticatorData),
          signature: encode(assertion.response.signature),
        },
      };
      const res = await call(em.url, 'POST', '/sys/v1/session/auth/2fa/fido2', {
        token,
        body: sent,
      });
      expect(res.status, await res.text()).toBe(204);
    },
  );
});
