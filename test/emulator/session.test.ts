import { afterEach, describe, expect, it } from 'vitest';
import {
  DEMO_APP,
  DEMO_USER,
  type EmulatorOptions,
  messages,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import { basicCredentials, call, signIn, unlock } from '../support/emulatorHttp.js';

const T0 = Date.UTC(2030, 0, 1);
let em: RunningEmulator;

async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  em = await startEmulator({ clock: () => T0, ...options });
  return em;
}

afterEach(async () => {
  await em?.close();
});

describe('Authenticate', () => {
  it('issues a bearer session for Basic email:password', async () => {
    await start();
    const res = await call(em.url, 'POST', '/sys/v1/session/auth', {
      basic: basicCredentials(DEMO_USER.email, DEMO_USER.password),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      token_type: 'Bearer',
      expires_in: 86_400,
      entity_id: DEMO_USER.userId,
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(em.lockState(String(body.access_token)).sessionAlive).toBe(true);
  });

  it('accepts the email in any case', async () => {
    await start();
    const res = await call(em.url, 'POST', '/sys/v1/session/auth', {
      basic: basicCredentials(DEMO_USER.email.toUpperCase(), DEMO_USER.password),
    });
    expect(res.status).toBe(200);
  });

  it('accepts an AuthRequest body with method "password"', async () => {
    await start();
    const res = await call(em.url, 'POST', '/sys/v1/session/auth', {
      body: { method: 'password', email: DEMO_USER.email, password: DEMO_USER.password },
    });
    expect(res.status).toBe(200);
  });

  it('issues an app session for Basic <api key>, idle-expiring after 10 minutes', async () => {
    await start();
    const res = await call(em.url, 'POST', '/sys/v1/session/auth', { basic: DEMO_APP.apiKey });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      access_token: string;
      entity_id: string;
      expires_in: number;
    };
    expect(body.entity_id).toBe(DEMO_APP.appId);
    expect(body.expires_in).toBe(600);
    const token = body.access_token;
    // Apps have no 2FA configuration.
    const unlockRes = await unlock(em, token);
    expect(unlockRes.status).toBe(403);
    expect(await unlockRes.text()).toBe(messages.userSessionRequired);
    em.advanceClock(600_000);
    expect((await call(em.url, 'POST', '/sys/v1/session/refresh', { token })).status).toBe(401);
  });

  it('refuses a wrong password, an unknown email and an unknown API key with 401 in plain text', async () => {
    await start();
    const attempts = [
      basicCredentials(DEMO_USER.email, 'wrong'),
      basicCredentials('nobody@example.com', DEMO_USER.password),
      Buffer.from('8a0c3e3c-1111-4222-8333-944455556666:nope').toString('base64'),
    ];
    const texts = [];
    for (const basic of attempts) {
      const res = await call(em.url, 'POST', '/sys/v1/session/auth', { basic });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('text/plain');
      texts.push(await res.text());
    }
    expect(texts).toEqual([
      messages.invalidCredentials,
      messages.invalidCredentials,
      messages.invalidApiKey,
    ]);
  });

  it('refuses a request without credentials with 401', async () => {
    await start();
    const res = await call(em.url, 'POST', '/sys/v1/session/auth');
    expect(res.status).toBe(401);
    expect(await res.text()).toBe(messages.missingCredentials);
  });

  it('signs in seeded and added users', async () => {
    await start({ users: [{ email: 'ada@example.com', password: 'pw-ada', firstName: 'Ada' }] });
    expect((await signIn(em, { email: 'ada@example.com', password: 'pw-ada' })).userId).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    await expect(signIn(em)).rejects.toThrow(/401/);
    em.addUser({ email: 'bob@example.com', password: 'pw-bob' });
    await signIn(em, { email: 'bob@example.com', password: 'pw-bob' });
  });
});

describe('bearer sessions', () => {
  it('refuses a missing, unknown or malformed bearer token with 401', async () => {
    await start();
    const missing = await call(em.url, 'POST', '/sys/v1/session/refresh');
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe(messages.missingBearer);
    const unknown = await call(em.url, 'POST', '/sys/v1/session/refresh', {
      token: 'not-a-session',
    });
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toBe(messages.sessionInvalid);
  });

  it('keeps a session alive with Refresh (204) and expires it after 24 h idle', async () => {
    await start();
    const { token } = await signIn(em);
    em.advanceClock(23 * 3_600_000);
    const refresh = await call(em.url, 'POST', '/sys/v1/session/refresh', { token });
    expect(refresh.status).toBe(204);
    expect(await refresh.text()).toBe('');
    em.advanceClock(23 * 3_600_000);
    expect((await call(em.url, 'POST', '/sys/v1/session/refresh', { token })).status).toBe(204);
    em.advanceClock(24 * 3_600_000);
    const expired = await call(em.url, 'POST', '/sys/v1/session/refresh', { token });
    expect(expired.status).toBe(401);
    expect(await expired.text()).toBe(messages.sessionInvalid);
  });

  it('counts any authenticated call as activity', async () => {
    await start({ sessionIdleMs: 60_000 });
    const { token, userId } = await signIn(em);
    em.advanceClock(59_000);
    expect((await call(em.url, 'GET', `/sys/v1/users/${userId}`, { token })).status).toBe(200);
    em.advanceClock(59_000);
    expect((await call(em.url, 'GET', `/sys/v1/users/${userId}`, { token })).status).toBe(200);
    em.advanceClock(60_000);
    expect((await call(em.url, 'GET', `/sys/v1/users/${userId}`, { token })).status).toBe(401);
  });

  it('kills the token on Terminate (204); a second Terminate is 401', async () => {
    await start();
    const { token } = await signIn(em);
    expect((await call(em.url, 'POST', '/sys/v1/session/terminate', { token })).status).toBe(204);
    expect((await call(em.url, 'POST', '/sys/v1/session/refresh', { token })).status).toBe(401);
    expect((await call(em.url, 'POST', '/sys/v1/session/terminate', { token })).status).toBe(401);
  });

  it('expires a session on demand (expireSession), so Config2faAuth is a 401 and Refresh says why', async () => {
    await start();
    const { token } = await signIn(em);
    expect(em.expireSession(token)).toBe(true);
    expect((await unlock(em, token)).status).toBe(401);
    expect((await call(em.url, 'POST', '/sys/v1/session/refresh', { token })).status).toBe(401);
    expect(em.expireSession(token)).toBe(false);
  });

  it('answers 404 in plain text for a path DSM does not have, and 400 for U2F', async () => {
    await start();
    const { token } = await signIn(em);
    const missing = await call(em.url, 'GET', '/sys/v1/nope', { token });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/plain');
    const u2f = await call(em.url, 'POST', '/sys/v1/session/auth/2fa/u2f', { token, body: {} });
    expect(u2f.status).toBe(400);
    expect(await u2f.text()).toBe(messages.u2fDeprecated);
  });

  it('answers 400 in plain text for a body that is not JSON', async () => {
    await start();
    const { token } = await signIn(em);
    const res = await fetch(`${em.url}/sys/v1/session/config_2fa/auth`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"password": ',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(messages.invalidJson);
  });
});

describe('users', () => {
  it('reads a user by id (GetUser), without secrets', async () => {
    await start();
    const { token, userId } = await signIn(em);
    const res = await call(em.url, 'GET', `/sys/v1/users/${userId}`, { token });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(DEMO_USER.password);
    expect(JSON.parse(text)).toMatchObject({
      user_id: DEMO_USER.userId,
      user_email: DEMO_USER.email,
      mfa_devices: [],
      u2f_devices: [],
    });
  });

  it('answers 404 for an unknown user and 400 for an id that is not a UUID', async () => {
    await start();
    const { token } = await signIn(em);
    expect(
      (await call(em.url, 'GET', '/sys/v1/users/4b4d7f4e-0000-4000-8000-000000000000', { token }))
        .status,
    ).toBe(404);
    expect((await call(em.url, 'GET', '/sys/v1/users/me', { token })).status).toBe(400);
  });

  it('lets a user update only itself', async () => {
    await start({
      users: [DEMO_USER, { email: 'eve@example.com', password: 'pw-eve' }],
    });
    const eve = await signIn(em, { email: 'eve@example.com', password: 'pw-eve' });
    await unlock(em, eve.token, 'pw-eve');
    const res = await call(em.url, 'PATCH', `/sys/v1/users/${DEMO_USER.userId}`, {
      token: eve.token,
      body: { del_mfa_devices: [{ name: 'x' }] },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe(messages.selfOnly);
  });

  it('refuses UpdateUser fields it does not emulate, and legacy U2F fields', async () => {
    await start();
    const { token, userId } = await signIn(em);
    const unsupported = await call(em.url, 'PATCH', `/sys/v1/users/${userId}`, {
      token,
      body: { user_password: 'x' },
    });
    expect(unsupported.status).toBe(400);
    expect(await unsupported.text()).toMatch(/user_password/);
    const u2f = await call(em.url, 'PATCH', `/sys/v1/users/${userId}`, {
      token,
      body: { add_u2f_devices: [] },
    });
    expect(u2f.status).toBe(400);
  });
});
