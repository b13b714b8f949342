import { describe, expect, it } from 'vitest';
import {
  type Fido2CreationOptions,
  toWebAuthnCreationOptions,
  toWebAuthnRequestOptions,
} from '../../src/client/index.js';
import { Fido2CreationOptions as CreationSchema } from '../../src/client/schemas.js';
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
      user: { entity: { id: 'a+b/c==', displayName: 'Ada' } },
      challenge: 'q+/w==',
      timeout: null,
      authenticatorSelection: { userVerification: 'discouraged', requireResidentKey: null },
    });
    const result = toWebAuthnCreationOptions(options);
    expect(result.rp).toEqual({ id: 'dsm.example', name: 'dsm.example' });
    expect(result.user).toEqual({ id: 'a-b_c', name: 'Ada', displayName: 'Ada' });
    expect(result.challenge).toBe('q-_w');
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
