import { afterEach, describe, expect, it } from 'vitest';
import {
  createSoftAuthenticator,
  DEMO_USER,
  type DsmRequestOptions,
  type EmulatorOptions,
  messages,
  type RunningEmulator,
  type SoftAuthenticator,
  startEmulator,
} from '../../src/emulator/index.js';
import { call, registerKey, signIn, unlock } from '../support/emulatorHttp.js';

const T0 = Date.UTC(2030, 0, 1);
let em: RunningEmulator;

async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  em = await startEmulator({ clock: () => T0, ...options });
  return em;
}

afterEach(async () => {
  await em?.close();
});

/** A user with a registered key and fresh recovery codes. */
async function userWithKey(): Promise<{ authenticator: SoftAuthenticator; codes: string[] }> {
  const session = await signIn(em);
  const authenticator = await registerKey(em, session, createSoftAuthenticator());
  await unlock(em, session.token);
  const res = await call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', {
    token: session.token,
  });
  const { recovery_codes: codes } = (await res.json()) as { recovery_codes: string[] };
  await call(em.url, 'POST', '/sys/v1/session/terminate', { token: session.token });
  return { authenticator, codes };
}

function completeFido2(token: string, body: unknown): Promise<Response> {
  return call(em.url, 'POST', '/sys/v1/session/auth/2fa/fido2', { token, body });
}

function redeemRecoveryCode(token: string, code: string): Promise<Response> {
  return call(em.url, 'POST', '/sys/v1/session/auth/2fa/recovery_code', {
    token,
    body: { recovery_code: code },
  });
}

describe('sign-in with a second factor', () => {
  it('signs in a user without devices in one step', async () => {
    await start();
    const { token, body, userId } = await signIn(em);
    expect(body.fido2_assertion_options).toBeUndefined();
    expect(body.allowed_mfa_methods).toBeUndefined();
    expect((await call(em.url, 'GET', `/sys/v1/users/${userId}`, { token })).status).toBe(200);
  });

  it('answers with the FIDO2 challenge for a user with a device', async () => {
    await start();
    const { authenticator } = await userWithKey();
    const { body } = await signIn(em);
    const credentialId = authenticator.credentials[0]?.id;
    expect(body.fido2_assertion_options).toMatchObject({
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}=$/),
      rpId: 'localhost',
      allowCredentials: [{ type: 'public-key', id: `${credentialId}=` }],
    });
    expect(body.allowed_mfa_methods).toEqual([
      {
        Fido2: {
          challenge: body.fido2_assertion_options,
          challenge_token: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
          mfa_devices: [{ name: 'security key', type: 'Fido2', origin: 'http://localhost' }],
        },
      },
    ]);
  });

  it('refuses every other call with 403 until the second factor is done; Refresh and Terminate work', async () => {
    await start();
    await userWithKey();
    const { token, userId } = await signIn(em);
    expect(em.lockState(token)).toMatchObject({ sessionAlive: true, secondFactorPending: true });
    const refused = [
      call(em.url, 'GET', `/sys/v1/users/${userId}`, { token }),
      unlock(em, token),
      call(em.url, 'POST', '/sys/v1/session/config_2fa/terminate', { token }),
      call(em.url, 'POST', '/sys/v1/approval_requests', { token, body: {} }),
      call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', { token }),
    ];
    for (const res of await Promise.all(refused)) {
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(await res.text()).toBe(messages.secondFactorPending);
    }
    expect((await call(em.url, 'POST', '/sys/v1/session/refresh', { token })).status).toBe(204);
    expect((await call(em.url, 'POST', '/sys/v1/session/terminate', { token })).status).toBe(204);
    expect((await call(em.url, 'POST', '/sys/v1/session/refresh', { token })).status).toBe(401);
  });

  it('uses secondFactorPendingStatus 401 when configured', async () => {
    await start({ secondFactorPendingStatus: 401 });
    await userWithKey();
    const { token, userId } = await signIn(em);
    const res = await call(em.url, 'GET', `/sys/v1/users/${userId}`, { token });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe(messages.secondFactorPending);
  });

  it('completes with an assertion from the registered key (CompleteFido2Auth, 204)', async () => {
    await start();
    const { authenticator } = await userWithKey();
    const { token, body, userId } = await signIn(em);
    const assertion = await authenticator.getAssertion(
      body.fido2_assertion_options as DsmRequestOptions,
    );
    const res = await completeFido2(token, assertion);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(em.lockState(token).secondFactorPending).toBe(false);
    expect((await call(em.url, 'GET', `/sys/v1/users/${userId}`, { token })).status).toBe(200);
    // Done is done: a second completion has nothing to complete.
    expect((await completeFido2(token, assertion)).status).toBe(400);
  });

  it('refuses an assertion from an unregistered key or a tampered one, and stays pending', async () => {
    await start();
    await userWithKey();
    const { token, body } = await signIn(em);
    const options = body.fido2_assertion_options as DsmRequestOptions;
    const stranger = createSoftAuthenticator();
    await stranger.createCredential({
      rp: { name: 'x', id: 'localhost' },
      user: { id: 'AAAA', name: 'x', displayName: 'x' },
      challenge: 'AAAA',
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    });
    const foreign = await stranger.getAssertion({ ...options, allowCredentials: [] });
    const res = await completeFido2(token, foreign);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/not registered/);
    expect((await completeFido2(token, { nonsense: true })).status).toBe(400);
    expect(em.lockState(token).secondFactorPending).toBe(true);
  });

  it('completes with a recovery code, each code working once', async () => {
    await start();
    const { codes } = await userWithKey();
    const [code] = codes;
    const first = await signIn(em);
    const res = await redeemRecoveryCode(first.token, code!);
    expect(res.status).toBe(204);
    expect(
      (await call(em.url, 'GET', `/sys/v1/users/${first.userId}`, { token: first.token })).status,
    ).toBe(200);
    expect(em.user(DEMO_USER.email)?.unusedRecoveryCodes).toHaveLength(9);

    const second = await signIn(em);
    const again = await redeemRecoveryCode(second.token, code!);
    expect(again.status).toBe(400);
    expect(await again.text()).toBe(messages.invalidRecoveryCode);
    expect(em.lockState(second.token).secondFactorPending).toBe(true);
  });

  it('accepts a code typed in upper case, with spaces', async () => {
    await start();
    const { codes } = await userWithKey();
    const { token } = await signIn(em);
    expect(
      (await redeemRecoveryCode(token, ` ${codes[1]!.toUpperCase().replace(/-/g, ' ')} `)).status,
    ).toBe(204);
  });

  it('refuses the old codes once they are regenerated', async () => {
    await start();
    const { authenticator, codes } = await userWithKey();
    const session = await signIn(em);
    const assertion = await authenticator.getAssertion(
      session.body.fido2_assertion_options as DsmRequestOptions,
    );
    await completeFido2(session.token, assertion);
    await unlock(em, session.token);
    const res = await call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', {
      token: session.token,
    });
    const { recovery_codes: fresh } = (await res.json()) as { recovery_codes: string[] };
    const next = await signIn(em);
    expect((await redeemRecoveryCode(next.token, codes[2]!)).status).toBe(400);
    expect((await redeemRecoveryCode(next.token, fresh[0]!)).status).toBe(204);
  });

  it('rate-limits wrong recovery codes like wrong passwords', async () => {
    await start({ rateLimit: { maxAttempts: 3, windowMs: 60_000 } });
    const { codes } = await userWithKey();
    const { token } = await signIn(em);
    for (let i = 0; i < 3; i++)
      expect((await redeemRecoveryCode(token, `nope-${i}`)).status).toBe(400);
    const limited = await redeemRecoveryCode(token, codes[0]!);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
  });

  it('uses wrongSecondFactorStatus when configured', async () => {
    await start({ wrongSecondFactorStatus: 401 });
    await userWithKey();
    const { token } = await signIn(em);
    expect((await redeemRecoveryCode(token, 'nope')).status).toBe(401);
  });

  it('refuses 2FA completion on a session that needs none', async () => {
    await start();
    const { token } = await signIn(em);
    const res = await redeemRecoveryCode(token, 'abcd-efgh-jkmn');
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(messages.noPendingSecondFactor);
  });

  it('lets a user who removed its last device sign in without a second factor', async () => {
    await start();
    const { authenticator } = await userWithKey();
    const session = await signIn(em);
    await completeFido2(
      session.token,
      await authenticator.getAssertion(session.body.fido2_assertion_options as DsmRequestOptions),
    );
    await unlock(em, session.token);
    await call(em.url, 'PATCH', `/sys/v1/users/${session.userId}`, {
      token: session.token,
      body: { del_mfa_devices: [{ name: 'security key' }] },
    });
    const next = await signIn(em);
    expect(next.body.fido2_assertion_options).toBeUndefined();
  });
});
