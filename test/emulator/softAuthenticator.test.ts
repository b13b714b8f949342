import { createHash } from 'node:crypto';
import { decodeAttestationObject, isoBase64URL } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { createSoftAuthenticator } from '../../src/emulator/index.js';

const nested = {
  rp: { name: 'DSM', entity: { id: 'localhost' } },
  user: { name: 'a@example.com', entity: { id: 'dXNlci0x', displayName: 'A' } },
  challenge: 'Y2hhbGxlbmdlLTE',
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  excludeCredentials: [],
};

function clientData(b64url: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(b64url, 'base64url').toString('utf8'));
}

describe('the software FIDO2 authenticator', () => {
  it('creates a fido-u2f credential from DSM nested options', async () => {
    const authenticator = createSoftAuthenticator({ origin: 'http://localhost:5173' });
    const result = await authenticator.createCredential(nested);
    expect(result).toMatchObject({ type: 'public-key', response: { getTransports: ['usb'] } });
    expect(result.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(clientData(result.response.clientDataJSON)).toEqual({
      type: 'webauthn.create',
      challenge: 'Y2hhbGxlbmdlLTE',
      origin: 'http://localhost:5173',
      crossOrigin: false,
    });
    const attestation = decodeAttestationObject(
      isoBase64URL.toBuffer(result.response.attestationObject),
    );
    expect(attestation.get('fmt')).toBe('fido-u2f');
    const authData = Buffer.from(attestation.get('authData'));
    expect(authData.subarray(0, 32)).toEqual(createHash('sha256').update('localhost').digest());
    expect(authenticator.credentials).toEqual([
      { id: result.id, rpId: 'localhost', userHandle: 'dXNlci0x', signCount: 0 },
    ]);
  });

  it('accepts WebAuthn flat options, byte buffers and alg "Es256"', async () => {
    const authenticator = createSoftAuthenticator();
    const result = await authenticator.createCredential({
      rp: { name: 'DSM', id: 'example.test' },
      user: { id: new Uint8Array([1, 2, 3]), name: 'a', displayName: 'A' },
      challenge: new Uint8Array([9, 9, 9]).buffer,
      pubKeyCredParams: [{ type: 'public-key', alg: 'Es256' }],
    });
    expect(clientData(result.response.clientDataJSON).challenge).toBe('CQkJ');
    expect(authenticator.credentials[0]).toMatchObject({
      rpId: 'example.test',
      userHandle: 'AQID',
    });
  });

  it('refuses options without ES256, and an excluded credential', async () => {
    const authenticator = createSoftAuthenticator();
    await expect(
      authenticator.createCredential({
        ...nested,
        pubKeyCredParams: [{ type: 'public-key', alg: -257 }],
      }),
    ).rejects.toMatchObject({ name: 'NotSupportedError' });
    const first = await authenticator.createCredential(nested);
    await expect(
      authenticator.createCredential({
        ...nested,
        excludeCredentials: [{ type: 'public-key', id: first.id }],
      }),
    ).rejects.toMatchObject({ name: 'InvalidStateError' });
  });

  it('signs assertions with a growing counter, and returns the user handle', async () => {
    const authenticator = createSoftAuthenticator();
    const { id } = await authenticator.createCredential(nested);
    const request = {
      challenge: 'AQID',
      rpId: 'localhost',
      allowCredentials: [{ type: 'public-key', id }],
    };
    const first = await authenticator.getAssertion(request);
    const second = await authenticator.getAssertion(request);
    const counter = (a: typeof first) =>
      Buffer.from(a.response.authenticatorData, 'base64url').readUInt32BE(33);
    expect([counter(first), counter(second)]).toEqual([1, 2]);
    expect(first).toMatchObject({ id, type: 'public-key', response: { userHandle: 'dXNlci0x' } });
    expect(clientData(first.response.clientDataJSON)).toMatchObject({
      type: 'webauthn.get',
      challenge: 'AQID',
    });
    expect(authenticator.credentials[0]?.signCount).toBe(2);
  });

  it('refuses an assertion when it holds none of the allowed credentials (NotAllowedError)', async () => {
    const authenticator = createSoftAuthenticator();
    await authenticator.createCredential(nested);
    await expect(
      authenticator.getAssertion({
        challenge: 'AQID',
        rpId: 'localhost',
        allowCredentials: [{ type: 'public-key', id: 'AAAA' }],
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      authenticator.getAssertion({ challenge: 'AQID', rpId: 'other.test' }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
  });

  it('produces packed and none attestations on request', async () => {
    for (const format of ['packed', 'none'] as const) {
      const result = await createSoftAuthenticator({ attestationFormat: format }).createCredential(
        nested,
      );
      expect(
        decodeAttestationObject(isoBase64URL.toBuffer(result.response.attestationObject)).get(
          'fmt',
        ),
      ).toBe(format);
    }
  });
});
