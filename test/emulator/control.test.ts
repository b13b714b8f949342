import { afterEach, describe, expect, it } from 'vitest';
import {
  createEmulatorApp,
  createSoftAuthenticator,
  DEMO_APP,
  DEMO_USER,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import {
  basicCredentials,
  call,
  registerKey,
  signIn,
  signInWithKey,
  unlock,
} from '../support/emulatorHttp.js';

const T0 = Date.UTC(2030, 0, 1);
let em: RunningEmulator;

afterEach(async () => {
  await em?.close();
});

const control = (method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
  call(em.url, method, `/__emulator${path}`, options);

describe('the HTTP control surface (/__emulator/)', () => {
  it('lists its endpoints', async () => {
    em = await startEmulator({ clock: () => T0 });
    const res = await control('GET', '/');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { endpoints: string[] }).endpoints).toContain(
      'POST /__emulator/clock/advance {ms}',
    );
  });

  it('reads and advances the clock, and reads a session lock state by bearer token', async () => {
    em = await startEmulator({ clock: () => T0 });
    const { token } = await signIn(em);
    await unlock(em, token);
    expect(await (await control('GET', '/clock')).json()).toEqual({ now: T0 });
    expect(await (await control('GET', '/lock-state', { token })).json()).toMatchObject({
      unlocked: true,
      unlockedAt: T0,
      locksAt: T0 + 600_000,
      sessionAlive: true,
    });
    const advanced = await control('POST', '/clock/advance', { body: { ms: 600_000 } });
    expect(await advanced.json()).toEqual({ now: T0 + 600_000 });
    expect(await (await control('GET', '/lock-state', { token })).json()).toMatchObject({
      unlocked: false,
    });
    expect((await control('POST', '/clock/advance', { body: { ms: -5 } })).status).toBe(400);
    expect((await control('GET', '/lock-state')).status).toBe(400);
  });

  it('expires a session', async () => {
    em = await startEmulator({ clock: () => T0 });
    const { token } = await signIn(em);
    expect((await control('POST', '/sessions/expire', { token })).status).toBe(204);
    expect((await call(em.url, 'POST', '/sys/v1/session/refresh', { token })).status).toBe(401);
  });

  it('lists and clears the request log; control calls are not in it', async () => {
    em = await startEmulator({ clock: () => T0 });
    await signIn(em);
    const listed = (await (await control('GET', '/requests')).json()) as { requests: unknown[] };
    expect(listed.requests).toEqual([
      {
        seq: 1,
        at: T0,
        method: 'POST',
        path: '/sys/v1/session/auth',
        operationId: 'Authenticate',
        status: 200,
      },
    ]);
    expect((await control('DELETE', '/requests')).status).toBe(204);
    expect(em.requests).toEqual([]);
  });

  it('seeds users (201) without exposing passwords, and refuses bad or duplicate ones', async () => {
    em = await startEmulator({ clock: () => T0 });
    const created = await control('POST', '/users', {
      body: { email: 'ada@example.com', password: 'pw-ada' },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      email: 'ada@example.com',
      devices: [],
      unusedRecoveryCodeCount: 0,
    });
    await signIn(em, { email: 'ada@example.com', password: 'pw-ada' });
    const list = await (await control('GET', '/users')).text();
    expect(list).toContain('ada@example.com');
    expect(list).not.toContain('pw-ada');
    expect(list).not.toContain(DEMO_USER.password);
    const duplicate = await control('POST', '/users', {
      body: { email: 'ADA@example.com', password: 'x' },
    });
    expect(duplicate.status).toBe(400);
    expect(await duplicate.text()).toMatch(/already exists/);
    expect(
      (await control('POST', '/users', { body: { email: 'no-at-sign', password: 'x' } })).status,
    ).toBe(400);
  });

  it('seeds approval requests', async () => {
    em = await startEmulator({ clock: () => T0 });
    const { token } = await signIn(em);
    const created = await control('POST', '/approval-requests', {
      body: { reviewerEmail: DEMO_USER.email, requires2fa: false, description: 'seeded' },
    });
    expect(created.status).toBe(201);
    const { request_id: id } = (await created.json()) as { request_id: string };
    const read = await call(em.url, 'GET', `/sys/v1/approval_requests/${id}`, { token });
    expect(await read.json()).toMatchObject({
      status: 'PENDING',
      description: 'seeded',
      requester: { app: DEMO_APP.appId },
      reviewers: [{ user: DEMO_USER.userId, requires_2fa: false, requires_password: false }],
    });
    expect(
      (await control('POST', '/approval-requests', { body: { reviewerEmail: 'x@y.z' } })).status,
    ).toBe(400);
  });

  it('injects, lists and clears faults (times may be "Infinity")', async () => {
    em = await startEmulator({ clock: () => T0 });
    const { token } = await signIn(em);
    const injected = await control('POST', '/faults', {
      body: { kind: 'status', status: 503, times: 'Infinity', match: { operationId: 'Refresh' } },
    });
    expect(injected.status).toBe(201);
    const { id } = (await injected.json()) as { id: string };
    for (let i = 0; i < 2; i++)
      expect((await call(em.url, 'POST', '/sys/v1/session/refresh', { token })).status).toBe(503);
    expect(await (await control('GET', '/faults')).json()).toMatchObject({
      faults: [{ id, fault: { kind: 'status' } }],
    });
    expect((await control('DELETE', `/faults/${id}`)).status).toBe(204);
    expect((await control('DELETE', `/faults/${id}`)).status).toBe(404);
    await control('POST', '/faults', { body: { kind: 'drop' } });
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await call(em.url, 'POST', '/sys/v1/session/refresh', { token })).status).toBe(204);
    const bad = await control('POST', '/faults', { body: { kind: 'meteor' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/kind must be one of/);
  });

  it('is not served with controlSurface: false', async () => {
    em = await startEmulator({ controlSurface: false });
    expect((await control('GET', '/clock')).status).toBe(404);
  });
});

describe('CORS', () => {
  it('answers preflights from any origin by default, allowing Authorization and Content-Type', async () => {
    em = await startEmulator();
    const res = await fetch(`${em.url}/sys/v1/session/config_2fa/auth`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'authorization',
    );
    expect(em.requests).toEqual([]);
    const error = await call(em.url, 'POST', '/sys/v1/session/refresh', {
      headers: { origin: 'http://localhost:5173' },
    });
    expect(error.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('restricts origins when configured', async () => {
    em = await startEmulator({ corsOrigin: ['http://localhost:3000'] });
    const allowed = await call(em.url, 'POST', '/sys/v1/session/refresh', {
      headers: { origin: 'http://localhost:3000' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const other = await call(em.url, 'POST', '/sys/v1/session/refresh', {
      headers: { origin: 'http://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the request log', () => {
  it('records operation, session and the server lock state on arrival, and never a secret', async () => {
    em = await startEmulator({ clock: () => T0 });
    const first = await signIn(em);
    const authenticator = await registerKey(em, first, createSoftAuthenticator());
    await unlock(em, first.token);
    const codes = (await (
      await call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', { token: first.token })
    ).json()) as {
      recovery_codes: string[];
    };
    await unlock(em, first.token, 'a-wrong-password');
    const second = await signInWithKey(em, authenticator);
    const third = await signIn(em);
    await call(em.url, 'POST', '/sys/v1/session/auth/2fa/recovery_code', {
      token: third.token,
      body: { recovery_code: codes.recovery_codes[0] },
    });
    await call(em.url, 'POST', '/sys/v1/session/auth', { basic: DEMO_APP.apiKey });

    const log = JSON.stringify(em.requests);
    const secrets = [
      DEMO_USER.password,
      'a-wrong-password',
      basicCredentials(DEMO_USER.email, DEMO_USER.password),
      DEMO_APP.apiKey,
      first.token,
      second.token,
      third.token,
      ...codes.recovery_codes,
    ];
    for (const secret of secrets) expect(log).not.toContain(secret);

    const unlocks = em.requests.filter((r) => r.operationId === 'Config2faAuth');
    expect(unlocks.map((r) => [r.status, r.configUnlocked])).toEqual([
      [200, false],
      [200, false],
      [401, true],
    ]);
    expect(new Set(em.requests.map((r) => r.seq)).size).toBe(em.requests.length);
    expect(em.requests.find((r) => r.operationId === 'GenerateRecoveryCodes')?.sessionId).toBe(
      em.lockState(first.token).sessionId,
    );
  });
});

describe('createEmulatorApp (no server)', () => {
  it('serves DSM through its in-process fetch and app.fetch', async () => {
    const app = createEmulatorApp({ clock: () => T0 });
    const res = await app.fetch('/sys/v1/session/auth', {
      method: 'POST',
      headers: { authorization: `Basic ${basicCredentials(DEMO_USER.email, DEMO_USER.password)}` },
    });
    const { access_token: token } = (await res.json()) as { access_token: string };
    const viaHono = await app.app.fetch(
      new Request('http://emulator.test/sys/v1/session/config_2fa/auth', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ password: DEMO_USER.password }),
      }),
    );
    expect(viaHono.status).toBe(200);
    expect(app.lockState(token).unlocked).toBe(true);
    expect(app.state.sessions.size).toBe(1);
    expect(app.requests.map((r) => r.operationId)).toEqual(['Authenticate', 'Config2faAuth']);
  });
});
