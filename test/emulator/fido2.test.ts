import { afterEach, describe, expect, it } from 'vitest';
import {
  createSoftAuthenticator,
  DEMO_USER,
  type DsmAssertionResult,
  type DsmAttestationResult,
  type DsmRequestOptions,
  type EmulatorOptions,
  messages,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import {
  addDevice,
  call,
  lock,
  newChallenge,
  registerKey,
  type SignedIn,
  signIn,
  signInWithKey,
  unlock,
} from '../support/emulatorHttp.js';

const T0 = Date.UTC(2030, 0, 1);
let em: RunningEmulator;

async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  em = await startEmulator({ clock: () => T0, ...options });
  return em;
}

afterEach(async () => {
  await em?.close();
});

/** Flips one bit of a base64url field. */
function flip(b64url: string, index: number): string {
  const bytes = Buffer.from(b64url, 'base64url');
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

async function unlockedSession(): Promise<SignedIn> {
  const session = await signIn(em);
  expect((await unlock(em, session.token)).status).toBe(200);
  return session;
}

async function attest(session: SignedIn, authenticator = createSoftAuthenticator()) {
  return authenticator.createCredential(await newChallenge(em, session.token));
}

describe('new_challenge', () => {
  it('returns creation options in DSM nested shape with alg -7 and padded base64url binaries', async () => {
    await start();
    const session = await unlockedSession();
    const options = await newChallenge(em, session.token);
    expect(options).toMatchObject({
      rp: { name: expect.any(String), entity: { id: 'localhost' } },
      user: {
        name: DEMO_USER.email,
        entity: { id: expect.stringMatching(/^[A-Za-z0-9_-]{22}==$/), displayName: 'Demo User' },
      },
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}=$/),
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      excludeCredentials: [],
      attestation: 'direct',
    });
  });

  it('needs protocol=fido2', async () => {
    await start();
    const session = await unlockedSession();
    const none = await call(em.url, 'POST', '/sys/v1/session/config_2fa/new_challenge', {
      token: session.token,
    });
    expect(none.status).toBe(400);
    expect(await none.text()).toBe(messages.protocolRequired);
    const u2f = await call(
      em.url,
      'POST',
      '/sys/v1/session/config_2fa/new_challenge?protocol=u2f',
      {
        token: session.token,
      },
    );
    expect(u2f.status).toBe(400);
  });
});

describe('registering a FIDO2 device (add_mfa_devices)', () => {
  it('verifies a fido-u2f attestation and adds the device', async () => {
    await start();
    const session = await unlockedSession();
    const authenticator = createSoftAuthenticator({ origin: 'http://localhost:5173' });
    const attestationResult = await attest(session, authenticator);
    const res = await addDevice(em, session.token, session.userId, {
      name: 'YubiKey',
      attestationResult,
    });
    expect(res.status).toBe(200);
    const user = (await res.json()) as { mfa_devices: unknown[] };
    expect(user.mfa_devices).toEqual([
      { name: 'YubiKey', type: 'Fido2', origin: 'http://localhost:5173' },
    ]);
    expect(em.user(DEMO_USER.email)?.devices).toMatchObject([
      {
        name: 'YubiKey',
        credentialId: attestationResult.id,
        format: 'fido-u2f',
        counter: 0,
        transports: ['usb'],
      },
    ]);
    // The next creation options exclude it.
    const next = await newChallenge(em, session.token);
    expect(next.excludeCredentials).toEqual([
      { type: 'public-key', id: `${attestationResult.id}=`, transports: ['usb'] },
    ]);
  });

  it('accepts standard base64 with padding as well as base64url', async () => {
    await start();
    const session = await unlockedSession();
    const result = await attest(session);
    const toB64 = (s: string) => Buffer.from(s, 'base64url').toString('base64');
    const res = await addDevice(em, session.token, session.userId, {
      name: 'k',
      attestationResult: {
        ...result,
        id: toB64(result.id),
        response: {
          clientDataJSON: toB64(result.response.clientDataJSON),
          attestationObject: toB64(result.response.attestationObject),
        },
      },
    });
    expect(res.status).toBe(200);
  });

  it('refuses a tampered attestation with 400', async () => {
    await start();
    const session = await unlockedSession();
    const result = await attest(session);
    // The attestation signature sits inside attStmt, near the start of the CBOR map.
    const tamperedClientData: DsmAttestationResult = {
      ...result,
      response: {
        ...result.response,
        clientDataJSON: Buffer.from(
          Buffer.from(result.response.clientDataJSON, 'base64url')
            .toString()
            .replace('"crossOrigin":false', '"crossOrigin":false '),
        ).toString('base64url'),
      },
    };
    const res = await addDevice(em, session.token, session.userId, {
      name: 'k',
      attestationResult: tamperedClientData,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/could not be verified|not valid/);
    const tamperedKey: DsmAttestationResult = {
      ...result,
      response: {
        ...result.response,
        attestationObject: flip(result.response.attestationObject, -5),
      },
    };
    const res2 = await addDevice(em, session.token, session.userId, {
      name: 'k',
      attestationResult: tamperedKey,
    });
    expect(res2.status).toBe(400);
    expect(em.user(DEMO_USER.email)?.devices).toEqual([]);
  });

  it('refuses the packed and none formats by default, and accepts them when configured', async () => {
    await start();
    const session = await unlockedSession();
    for (const format of ['packed', 'none'] as const) {
      const authenticator = createSoftAuthenticator({ attestationFormat: format });
      const res = await addDevice(em, session.token, session.userId, {
        name: format,
        attestationResult: await attest(session, authenticator),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toBe(
        `Attestation format "${format}" is not accepted; accepted: fido-u2f.`,
      );
    }
    await em.close();
    await start({ attestationFormats: ['fido-u2f', 'packed', 'none'] });
    const again = await unlockedSession();
    for (const format of ['packed', 'none'] as const) {
      const authenticator = createSoftAuthenticator({ attestationFormat: format });
      const res = await addDevice(em, again.token, again.userId, {
        name: format,
        attestationResult: await attest(again, authenticator),
      });
      expect(res.status).toBe(200);
    }
    expect(em.user(DEMO_USER.email)?.devices.map((d) => d.format)).toEqual(['packed', 'none']);
  });

  it('refuses an origin outside loopback, and honours an origins list', async () => {
    await start();
    const session = await unlockedSession();
    const foreign = createSoftAuthenticator({ origin: 'https://evil.example', rpId: 'localhost' });
    const res = await addDevice(em, session.token, session.userId, {
      name: 'k',
      attestationResult: await attest(session, foreign),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/origin "https:\/\/evil.example" is not accepted/);
    await em.close();
    await start({ origins: ['https://app.example'] });
    const s2 = await unlockedSession();
    const app = createSoftAuthenticator({ origin: 'https://app.example', rpId: 'localhost' });
    const ok = await addDevice(em, s2.token, s2.userId, {
      name: 'k',
      attestationResult: await attest(s2, app),
    });
    expect(ok.status).toBe(200);
  });

  it('verifies against the last challenge of the session, and only once', async () => {
    await start();
    const session = await unlockedSession();
    const authenticator = createSoftAuthenticator();
    const stale = await authenticator.createCredential(await newChallenge(em, session.token));
    await newChallenge(em, session.token); // replaces the pending challenge
    const res = await addDevice(em, session.token, session.userId, {
      name: 'stale',
      attestationResult: stale,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/challenge/);

    const fresh = await attest(session, authenticator);
    expect(
      (await addDevice(em, session.token, session.userId, { name: 'a', attestationResult: fresh }))
        .status,
    ).toBe(200);
    const replay = await addDevice(em, session.token, session.userId, {
      name: 'b',
      attestationResult: fresh,
    });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toBe(messages.noCreationChallenge);
  });

  it('refuses an attestation whose challenge has expired', async () => {
    await start({ challengeTtlMs: 60_000 });
    const session = await unlockedSession();
    const result = await attest(session);
    em.advanceClock(60_000);
    const res = await addDevice(em, session.token, session.userId, {
      name: 'k',
      attestationResult: result,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(messages.challengeExpired);
  });

  it('refuses without a challenge, with two devices at once, and with a blank name', async () => {
    await start();
    const session = await unlockedSession();
    const noChallenge = await addDevice(em, session.token, session.userId, {
      name: 'k',
      attestationResult: { id: 'AA', type: 'public-key', response: {} },
    });
    expect(noChallenge.status).toBe(400);
    expect(await noChallenge.text()).toBe(messages.noCreationChallenge);
    const two = await call(em.url, 'PATCH', `/sys/v1/users/${session.userId}`, {
      token: session.token,
      body: {
        add_mfa_devices: [
          { name: 'a', attestationResult: {} },
          { name: 'b', attestationResult: {} },
        ],
      },
    });
    expect(two.status).toBe(400);
    const blank = await addDevice(em, session.token, session.userId, {
      name: '  ',
      attestationResult: {},
    });
    expect(blank.status).toBe(400);
  });

  it('renames and deletes devices; names must exist and stay unique', async () => {
    await start();
    const session = await signIn(em);
    await registerKey(em, session, createSoftAuthenticator(), 'first');
    await registerKey(em, session, createSoftAuthenticator(), 'second');
    await unlock(em, session.token);
    const patch = (body: unknown) =>
      call(em.url, 'PATCH', `/sys/v1/users/${session.userId}`, { token: session.token, body });
    const taken = await patch({ rename_mfa_devices: [{ old_name: 'first', new_name: 'second' }] });
    expect(taken.status).toBe(409);
    expect(
      (await patch({ rename_mfa_devices: [{ old_name: 'nope', new_name: 'x' }] })).status,
    ).toBe(400);
    const renamed = await patch({
      rename_mfa_devices: [{ old_name: 'first', new_name: 'primary' }],
    });
    expect(renamed.status).toBe(200);
    expect(
      ((await renamed.json()) as { mfa_devices: Array<{ name: string }> }).mfa_devices.map(
        (d) => d.name,
      ),
    ).toEqual(['primary', 'second']);
    expect((await patch({ del_mfa_devices: [{ name: 'nope' }] })).status).toBe(400);
    const deleted = await patch({ del_mfa_devices: [{ name: 'second' }] });
    expect(
      ((await deleted.json()) as { mfa_devices: Array<{ name: string }> }).mfa_devices.map(
        (d) => d.name,
      ),
    ).toEqual(['primary']);
  });

  it('refuses a second device with the same name (409)', async () => {
    await start();
    const session = await signIn(em);
    await registerKey(em, session, createSoftAuthenticator(), 'key');
    await unlock(em, session.token);
    const res = await addDevice(em, session.token, session.userId, {
      name: 'key',
      attestationResult: await attest(session),
    });
    expect(res.status).toBe(409);
  });
});

describe('approval requests', () => {
  async function withKey() {
    await start();
    const first = await signIn(em);
    const authenticator = await registerKey(em, first, createSoftAuthenticator());
    const session = await signInWithKey(em, authenticator);
    return { session, authenticator };
  }

  async function challenge(token: string, id: string): Promise<Response> {
    return call(em.url, 'POST', `/sys/v1/approval_requests/${id}/challenge?protocol=fido2`, {
      token,
    });
  }

  function approve(token: string, id: string, body: unknown): Promise<Response> {
    return call(em.url, 'POST', `/sys/v1/approval_requests/${id}/approve`, { token, body });
  }

  it('approves with a FIDO2 assertion while locked, and updates the sign counter', async () => {
    const { session, authenticator } = await withKey();
    const id = em.createApprovalRequest({
      reviewerEmail: DEMO_USER.email,
      description: 'export key',
    });
    const res = await challenge(session.token, id);
    expect(res.status).toBe(200);
    const options = (await res.json()) as DsmRequestOptions;
    expect(options).toMatchObject({
      rpId: 'localhost',
      allowCredentials: [{ type: 'public-key', id: `${authenticator.credentials[0]?.id}=` }],
    });
    const approved = await approve(session.token, id, {
      fido2_auth_request: await authenticator.getAssertion(options),
    });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({
      request_id: id,
      status: 'APPROVED',
      approvers: [{ user: DEMO_USER.userId }],
      description: 'export key',
    });
    expect(em.user(DEMO_USER.email)?.devices[0]?.counter).toBe(
      authenticator.credentials[0]?.signCount,
    );
  });

  it('refuses the challenge and the FIDO2 approval while the configuration is unlocked (403)', async () => {
    const { session, authenticator } = await withKey();
    const id = em.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const options = (await (await challenge(session.token, id)).json()) as DsmRequestOptions;
    const assertion = await authenticator.getAssertion(options);
    await unlock(em, session.token);
    const refusedChallenge = await challenge(session.token, id);
    expect(refusedChallenge.status).toBe(403);
    expect(await refusedChallenge.text()).toBe(messages.configUnlocked);
    const refusedApproval = await approve(session.token, id, { fido2_auth_request: assertion });
    expect(refusedApproval.status).toBe(403);
    expect(await refusedApproval.text()).toBe(messages.configUnlocked);
    // Locked again, the same assertion goes through.
    await lock(em, session.token);
    expect((await approve(session.token, id, { fido2_auth_request: assertion })).status).toBe(200);
  });

  it('uses configUnlockedStatus when configured', async () => {
    await start({ configUnlockedStatus: 409 });
    const first = await signIn(em);
    const authenticator = await registerKey(em, first);
    const session = await signInWithKey(em, authenticator);
    const id = em.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    await unlock(em, session.token);
    expect((await challenge(session.token, id)).status).toBe(409);
  });

  it('refuses a tampered assertion, a replayed one, and one for another challenge', async () => {
    const { session, authenticator } = await withKey();
    const id = em.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const options = (await (await challenge(session.token, id)).json()) as DsmRequestOptions;
    const assertion = await authenticator.getAssertion(options);
    const tampered: DsmAssertionResult = {
      ...assertion,
      response: { ...assertion.response, signature: flip(assertion.response.signature, -3) },
    };
    const bad = await approve(session.token, id, { fido2_auth_request: tampered });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/FIDO2 assertion/);
    const otherId = em.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    await challenge(session.token, otherId);
    const crossed = await approve(session.token, otherId, { fido2_auth_request: assertion });
    expect(crossed.status).toBe(400);
    expect((await approve(session.token, id, { fido2_auth_request: assertion })).status).toBe(200);
    const replay = await approve(session.token, id, { fido2_auth_request: assertion });
    expect(replay.status).toBe(409);
  });

  it('refuses an assertion whose counter did not move (a cloned key)', async () => {
    const { session, authenticator } = await withKey();
    const a = em.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const first = await authenticator.getAssertion(
      (await (await challenge(session.token, a)).json()) as DsmRequestOptions,
    );
    expect((await approve(session.token, a, { fido2_auth_request: first })).status).toBe(200);
    const stored = em.user(DEMO_USER.email)?.devices[0]?.counter ?? 0;
    const b = em.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const options = (await (await challenge(session.token, b)).json()) as DsmRequestOptions;
    const cloned = await authenticator.getAssertion(options, { signCount: stored });
    const res = await approve(session.token, b, { fido2_auth_request: cloned });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/counter/);
  });

  it('needs a challenge before an assertion, and a device before a challenge', async () => {
    await start();
    const session = await signIn(em);
    const id = em.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const noDevice = await challenge(session.token, id);
    expect(noDevice.status).toBe(400);
    expect(await noDevice.text()).toBe(messages.noDevices);
    const noChallenge = await approve(session.token, id, {
      fido2_auth_request: { id: 'AA', type: 'public-key', response: {} },
    });
    expect(noChallenge.status).toBe(400);
    expect(await noChallenge.text()).toBe(messages.noApprovalChallenge);
  });

  it('approves with a password in either lock state when the policy asks for one', async () => {
    await start();
    const session = await signIn(em);
    const id = em.createApprovalRequest({
      reviewerEmail: DEMO_USER.email,
      requires2fa: false,
      requiresPassword: true,
    });
    const missing = await approve(session.token, id, {});
    expect(missing.status).toBe(400);
    const wrong = await approve(session.token, id, { password: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe(messages.invalidPassword);
    await unlock(em, session.token);
    expect((await approve(session.token, id, { password: DEMO_USER.password })).status).toBe(200);
    const id2 = em.createApprovalRequest({
      reviewerEmail: DEMO_USER.email,
      requires2fa: false,
      requiresPassword: true,
    });
    await lock(em, session.token);
    expect((await approve(session.token, id2, { password: DEMO_USER.password })).status).toBe(200);
  });

  it('asks for a FIDO2 assertion when the reviewer requires 2FA', async () => {
    await start();
    const session = await signIn(em);
    const id = em.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const res = await approve(session.token, id, { password: DEMO_USER.password });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/fido2_auth_request/);
  });

  it('creates, reads and denies requests through the API', async () => {
    await start({ approvalPolicy: { requires2fa: false } });
    const session = await signIn(em);
    const created = await call(em.url, 'POST', '/sys/v1/approval_requests', {
      token: session.token,
      body: {
        operation: '/crypto/v1/keys/rekey',
        method: 'POST',
        description: 'rotate',
        body: { kid: 1 },
      },
    });
    expect(created.status).toBe(200);
    const request = (await created.json()) as {
      request_id: string;
      status: string;
      requester: unknown;
    };
    expect(request).toMatchObject({ status: 'PENDING', requester: { user: DEMO_USER.userId } });
    const read = await call(em.url, 'GET', `/sys/v1/approval_requests/${request.request_id}`, {
      token: session.token,
    });
    expect(await read.json()).toMatchObject({ request_id: request.request_id, body: { kid: 1 } });
    const denied = await call(
      em.url,
      'POST',
      `/sys/v1/approval_requests/${request.request_id}/deny`,
      {
        token: session.token,
        body: { reason: 'not today' },
      },
    );
    expect(denied.status).toBe(200);
    expect(await denied.json()).toMatchObject({
      status: 'DENIED',
      denier: { user: DEMO_USER.userId },
      denial_reason: 'not today',
    });
    const again = await call(
      em.url,
      'POST',
      `/sys/v1/approval_requests/${request.request_id}/deny`,
      {
        token: session.token,
        body: {},
      },
    );
    expect(again.status).toBe(409);
    expect(await again.text()).toBe(messages.approvalNotPending);
  });

  it('lets only reviewers act, and answers 404 for unknown requests', async () => {
    await start({ users: [DEMO_USER, { email: 'eve@example.com', password: 'pw-eve' }] });
    const eve = await signIn(em, { email: 'eve@example.com', password: 'pw-eve' });
    const id = em.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    const res = await call(em.url, 'POST', `/sys/v1/approval_requests/${id}/deny`, {
      token: eve.token,
      body: {},
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe(messages.notReviewer);
    const unknown = await call(
      em.url,
      'GET',
      '/sys/v1/approval_requests/4b4d7f4e-0000-4000-8000-000000000000',
      {
        token: eve.token,
      },
    );
    expect(unknown.status).toBe(404);
  });

  it('refuses to act on an expired request (409)', async () => {
    await start({ approvalExpiryMs: 60_000 });
    const session = await signIn(em);
    const id = em.createApprovalRequest({ reviewerEmail: DEMO_USER.email, requires2fa: false });
    em.advanceClock(60_000);
    const res = await call(em.url, 'POST', `/sys/v1/approval_requests/${id}/approve`, {
      token: session.token,
      body: {},
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toBe(messages.approvalExpired);
  });
});
