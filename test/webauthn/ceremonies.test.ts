import { WebAuthnError } from '@simplewebauthn/browser';
import { describe, expect, it, vi } from 'vitest';
import type { Fido2CreationOptions, Fido2RequestOptions } from '../../src/client/index.js';
import {
  createCredentialFor,
  getAssertionFor,
  SecurityKeyCancelledError,
  SecurityKeyError,
  toSecurityKeyError,
} from '../../src/webauthn/index.js';

// DSM's documented shape: ids nested under `entity`, `alg` as the OpenAPI document's string.
const creationChallenge: Fido2CreationOptions = {
  rp: { name: 'Fortanix DSM', entity: { id: 'localhost' } },
  user: { name: 'demo@example.com', entity: { id: 'dXNlci1pZA', displayName: 'Demo User' } },
  challenge: 'Y2hhbGxlbmdl',
  pubKeyCredParams: [{ type: 'public-key', alg: 'Es256' }],
  timeout: null,
  excludeCredentials: [{ type: 'public-key', id: 'b2xkLWtleQ', transports: ['usb'] }],
  attestation: 'direct',
};

const requestChallenge: Fido2RequestOptions = {
  challenge: 'YXBwcm92ZQ',
  rpId: 'localhost',
  allowCredentials: [{ type: 'public-key', id: 'a2V5', transports: null }],
  userVerification: 'discouraged',
};

// What @simplewebauthn/browser's startRegistration returns: more than DSM documents.
const registrationJson = {
  id: 'bmV3LWtleQ',
  rawId: 'bmV3LWtleQ',
  type: 'public-key',
  response: {
    clientDataJSON: 'e30',
    attestationObject: 'o2Nmb3Jt',
    transports: ['usb'],
    publicKeyAlgorithm: -7,
  },
  clientExtensionResults: {},
  authenticatorAttachment: 'cross-platform',
};

describe('createCredentialFor', () => {
  it("hands create() WebAuthn's flat options built from DSM's nested challenge, with alg -7", async () => {
    const create = vi.fn(async () => registrationJson);
    await createCredentialFor(creationChallenge, { create });
    expect(create).toHaveBeenCalledWith(
      expect.objectContaining({
        rp: { id: 'localhost', name: 'Fortanix DSM' },
        user: { id: 'dXNlci1pZA', name: 'demo@example.com', displayName: 'Demo User' },
        challenge: 'Y2hhbGxlbmdl',
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        excludeCredentials: [{ type: 'public-key', id: 'b2xkLWtleQ', transports: ['usb'] }],
      }),
      { signal: expect.any(AbortSignal) },
    );
  });

  it("returns DSM's attestationResult: only the documented fields, transports as getTransports", async () => {
    const result = await createCredentialFor(creationChallenge, {
      create: async () => registrationJson,
    });
    expect(result).toEqual({
      id: 'bmV3LWtleQ',
      type: 'public-key',
      response: { clientDataJSON: 'e30', attestationObject: 'o2Nmb3Jt', getTransports: ['usb'] },
    });
  });

  it('rejects a response that is not a credential with WEBAUTHN_FAILED', async () => {
    const broken = { id: 'x', type: 'public-key', response: { clientDataJSON: 'e30' } };
    await expect(
      createCredentialFor(creationChallenge, {
        create: async () => broken as unknown as typeof registrationJson,
      }),
    ).rejects.toMatchObject({ code: 'WEBAUTHN_FAILED', ceremony: 'create' });
  });

  it('rejects with WEBAUTHN_UNSUPPORTED where there is no WebAuthn (Node) and no ceremony is given', async () => {
    await expect(createCredentialFor(creationChallenge)).rejects.toMatchObject({
      code: 'WEBAUTHN_UNSUPPORTED',
    });
    await expect(getAssertionFor(requestChallenge)).rejects.toMatchObject({
      code: 'WEBAUTHN_UNSUPPORTED',
      ceremony: 'get',
    });
  });

  it('does not start a ceremony whose signal has already fired', async () => {
    const create = vi.fn(async () => registrationJson);
    const controller = new AbortController();
    controller.abort();
    await expect(
      createCredentialFor(creationChallenge, { create, signal: controller.signal }),
    ).rejects.toBeInstanceOf(SecurityKeyCancelledError);
    expect(create).not.toHaveBeenCalled();
  });
});

describe('getAssertionFor', () => {
  it("returns DSM's fido2_auth_request from startAuthentication's JSON", async () => {
    const get = vi.fn(async () => ({
      id: 'a2V5',
      rawId: 'a2V5',
      type: 'public-key',
      response: { clientDataJSON: 'e30', authenticatorData: 'YXV0aA', signature: 'c2ln' },
      clientExtensionResults: {},
    }));
    const result = await getAssertionFor(requestChallenge, { get });
    expect(get).toHaveBeenCalledWith(
      {
        challenge: 'YXBwcm92ZQ',
        rpId: 'localhost',
        allowCredentials: [{ type: 'public-key', id: 'a2V5' }],
        userVerification: 'discouraged',
      },
      { signal: expect.any(AbortSignal) },
    );
    expect(result).toEqual({
      id: 'a2V5',
      type: 'public-key',
      response: { clientDataJSON: 'e30', authenticatorData: 'YXV0aA', signature: 'c2ln' },
    });
  });
});

describe('toSecurityKeyError', () => {
  it.each([
    ['NotAllowedError', 'create', 'WEBAUTHN_CANCELLED'],
    ['AbortError', 'get', 'WEBAUTHN_CANCELLED'],
    ['InvalidStateError', 'create', 'WEBAUTHN_ALREADY_REGISTERED'],
    ['InvalidStateError', 'get', 'WEBAUTHN_FAILED'],
    ['NotSupportedError', 'create', 'WEBAUTHN_UNSUPPORTED'],
    ['SecurityError', 'get', 'WEBAUTHN_RP_MISMATCH'],
    ['UnknownError', 'create', 'WEBAUTHN_FAILED'],
  ] as const)('maps a browser %s on %s to %s', (name, ceremony, code) => {
    const error = toSecurityKeyError(new DOMException('from the browser', name), ceremony);
    expect(error).toBeInstanceOf(SecurityKeyError);
    expect(error).toMatchObject({ code, ceremony });
    expect(error.cause).toBeInstanceOf(DOMException);
  });

  it("maps @simplewebauthn/browser's WebAuthnError by the browser error it wraps", () => {
    const wrapped = new WebAuthnError({
      message: 'The operation either timed out or was not allowed.',
      code: 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY',
      cause: new DOMException('timed out', 'NotAllowedError'),
    });
    expect(toSecurityKeyError(wrapped, 'get').code).toBe('WEBAUTHN_CANCELLED');
  });

  it('gives errors whose JSON a person can act on', () => {
    const error = toSecurityKeyError(new DOMException('x', 'NotAllowedError'), 'create');
    expect(error.toJSON()).toEqual({
      name: 'SecurityKeyCancelledError',
      code: 'WEBAUTHN_CANCELLED',
      ceremony: 'create',
      message: expect.stringMatching(/cancelled or timed out/),
    });
  });
});
