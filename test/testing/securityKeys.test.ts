import { describe, expect, it } from 'vitest';
import { createSecurityKeys } from '../../src/testing/index.js';

const creation = (excludeCredentials: Array<{ id: string }> = []) => ({
  rp: { id: 'localhost', name: 'DSM' },
  user: { id: 'dXNlcg', name: 'user@example.com' },
  challenge: 'Y2hhbGxlbmdlLWNoYWxsZW5nZQ',
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  excludeCredentials,
});
const request = (allowCredentials: Array<{ id: string }>) => ({
  challenge: 'YW5vdGhlci1jaGFsbGVuZ2U',
  rpId: 'localhost',
  allowCredentials,
});

describe("the testbed user's security keys", () => {
  it('answers a challenge that excludes the registered credential with another key', async () => {
    const keys = createSecurityKeys();
    const first = await keys.createCredential(creation());
    const second = await keys.createCredential(creation([{ id: first.id }]));
    expect(second.id).not.toBe(first.id);
    expect(keys.credentials.map((credential) => credential.id)).toEqual([first.id, second.id]);
  });

  it('signs with whichever key holds an allowed credential', async () => {
    const keys = createSecurityKeys();
    const first = await keys.createCredential(creation());
    const second = await keys.createCredential(creation([{ id: first.id }]));
    expect((await keys.getAssertion(request([{ id: second.id }]))).id).toBe(second.id);
    expect((await keys.getAssertion(request([{ id: first.id }]))).id).toBe(first.id);
  });

  it('refuses, as an authenticator does, when no key holds an allowed credential', async () => {
    const keys = createSecurityKeys();
    await keys.createCredential(creation());
    await expect(keys.getAssertion(request([{ id: 'bm90LWhlbGQ' }]))).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
  });
});
