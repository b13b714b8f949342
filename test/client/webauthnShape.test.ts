import { describe, expect, it } from 'vitest';
import {
  type Fido2CreationOptions,
  toWebAuthnCreationOptions,
  toWebAuthnRequestOptions,
} from '../../src/client/index.js';
import {
  AuthResponse,
  Fido2CreationOptions as CreationSchema,
  Fido2AssertionResult,
  Fido2AttestationResult,
  Fido2RequestOptions,
} from '../../src/client/schemas.js';
import { nestedCreationOptions } from '../support/clientFixtures.js';

const webauthn = {
  rp: { id: 'dsm.example', name: 'Fortanix DSM' },
  user: { id: 'dXNlci1pZA', name: 'ada@example.com', displayName: 'Ada' },
  challenge: 'Y2hhbGxlbmdlLWJ5dGVz',
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  timeout: 60_000,
  excludeCredentials: [{ type: 'public-key', id: 'Y3JlZC0x', transports: ['usb'] }],
  attestation: 'direct',
};

describe('toWebAuthnCreationOptions', () => {
  it("turns DSM's nested shape into WebAuthn's flat one", () => {
    expect(toWebAuthnCreationOptions(nestedCreationOptions)).toEqual(webauthn);
  });

  it('turns alg "Es256" into -7', () => {
    const options: Fido2CreationOptions = {
      ...nestedCreationOptions,
      pubKeyCredParams: [{ type: 'public-key', alg: 'Es256' }],
    };
    expect(toWebAuthnCreationOptions(options).pubKeyCredParams).toEqual([
      { type: 'public-key', alg: -7 },
    ]);
  });

  it('leaves a flat shape flat', () => {
    const flat = CreationSchema.parse(webauthn);
    expect(toWebAuthnCreationOptions(flat)).toEqual(webauthn);
  });

  it('drops nulls, converts standard base64 to base64url, and fills a missing rp name', () => {
    const options = CreationSchema.parse({
      ...nestedCreationOptions,
      rp: { entity: { id: 'dsm.example' } },
      user: { entity: { id: 'a+b/cw==', displayName: 'Ada' } },
      challenge: 'q+/w8A==',
      timeout: null,
      authenticatorSelection: { userVerification: 'discouraged', requireResidentKey: null },
    });
    const result = toWebAuthnCreationOptions(options);
    expect(result.rp).toEqual({ id: 'dsm.example', name: 'dsm.example' });
    expect(result.user).toEqual({ id: 'a-b_cw', name: 'Ada', displayName: 'Ada' });
    expect(result.challenge).toBe('q-_w8A');
    expect(result).not.toHaveProperty('timeout');
    expect(result.authenticatorSelection).toEqual({ userVerification: 'discouraged' });
  });

  it('does not mistake a flat rp for a nested one (no fields lost)', () => {
    const parsed = CreationSchema.parse({ ...webauthn, rp: { id: 'x.example', name: 'X' } });
    expect(parsed.rp).toEqual({ id: 'x.example', name: 'X' });
  });
});

describe('toWebAuthnRequestOptions', () => {
  it('drops nulls and keeps the rest', () => {
    expect(
      toWebAuthnRequestOptions({
        challenge: 'YWJj',
        rpId: null,
        timeout: 30_000,
        allowCredentials: [{ type: 'public-key', id: 'Y3JlZC0x', transports: null }],
        userVerification: 'discouraged',
      }),
    ).toEqual({
      challenge: 'YWJj',
      timeout: 30_000,
      allowCredentials: [{ type: 'public-key', id: 'Y3JlZC0x' }],
      userVerification: 'discouraged',
    });
  });
});

describe('binary fields in every form DSM might send', () => {
  // 34 bytes: the standard alphabet shows `+` and `/`, and the padding is `==`.
  const bytes = Buffer.from('0123456789abcdef0123456789abcd>>>?');
  const webauthnForm = bytes.toString('base64url');
  const forms = {
    'padded standard base64 (Blob)': bytes.toString('base64'),
    'unpadded standard base64': bytes.toString('base64').replace(/=+$/, ''),
    'padded base64url (DSM Go client)': `${webauthnForm}==`,
    'unpadded base64url (WebAuthn)': webauthnForm,
  };
  const cases = Object.entries(forms);

  it('the forms are distinct', () => {
    expect(new Set(Object.values(forms)).size).toBe(4);
    expect(forms['padded standard base64 (Blob)']).toMatch(/[+/].*==$/);
  });

  it.each(cases)('creation options: challenge, user.id and excluded ids in %s', (_, value) => {
    for (const user of [
      { name: 'ada@example.com', entity: { id: value, displayName: 'Ada' } },
      { id: value, name: 'ada@example.com', displayName: 'Ada' },
    ]) {
      const parsed = CreationSchema.parse({
        ...nestedCreationOptions,
        user,
        challenge: value,
        excludeCredentials: [{ type: 'public-key', id: value }],
      });
      const result = toWebAuthnCreationOptions(parsed);
      expect(result.challenge).toBe(webauthnForm);
      expect(result.user.id).toBe(webauthnForm);
      expect(result.excludeCredentials).toEqual([{ type: 'public-key', id: webauthnForm }]);
    }
  });

  it.each(cases)('request options: challenge and allowed ids in %s', (_, value) => {
    const parsed = Fido2RequestOptions.parse({
      challenge: value,
      allowCredentials: [{ type: 'public-key', id: value }],
    });
    expect(toWebAuthnRequestOptions(parsed)).toEqual({
      challenge: webauthnForm,
      allowCredentials: [{ type: 'public-key', id: webauthnForm }],
    });
  });

  it.each(cases)('sign-in answer: challenge_token and the assertion options in %s', (_, value) => {
    const options = { challenge: value, allowCredentials: [{ type: 'public-key', id: value }] };
    const parsed = AuthResponse.parse({
      token_type: 'Bearer',
      expires_in: 3600,
      entity_id: '3b9a1c7e-5d2f-4e8a-9b61-0f2d7c4a8e13',
      fido2_assertion_options: options,
      allowed_mfa_methods: [
        { Fido2: { challenge: options, challenge_token: value, mfa_devices: [] } },
      ],
    });
    expect(parsed.allowed_mfa_methods?.[0]?.Fido2.challenge_token).toBe(value);
  });

  it.each(cases)('attestation and assertion results in %s', (_, value) => {
    expect(
      Fido2AttestationResult.safeParse({
        id: value,
        type: 'public-key',
        response: { clientDataJSON: value, attestationObject: value },
      }).success,
    ).toBe(true);
    expect(
      Fido2AssertionResult.safeParse({
        id: value,
        type: 'public-key',
        response: {
          clientDataJSON: value,
          authenticatorData: value,
          signature: value,
          userHandle: value,
        },
      }).success,
    ).toBe(true);
  });

  it('refuses what no base64 decoder reads', () => {
    for (const broken of ['abcde', 'ab=c', 'ab-+', 'abc==', 'a b c', 'abcd=']) {
      expect(Fido2RequestOptions.safeParse({ challenge: broken }).success, broken).toBe(false);
    }
  });
});
