import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/client/secret.js';
import {
  createEmulatorApp,
  createSoftAuthenticator,
  DEMO_APP,
  DEMO_USER,
  EmulatorOptionsError,
  messages,
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

/** A control-surface request as another process makes it: with the token and JSON. */
const control = (method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
  call(em.url, method, `/__emulator${path}`, {
    ...options,
    headers: { ...em.controlHeaders(), ...options.headers },
  });

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

describe('the control surface is safe to leave running', () => {
  it('refuses requests without the token, as a web page would send them (401)', async () => {
    em = await startEmulator({ clock: () => T0 });
    // A page on another origin can send a text/plain POST without a preflight.
    const fromPage = await fetch(`${em.url}/__emulator/users`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ email: 'mallory@example.com', password: 'pw' }),
    });
    expect(fromPage.status).toBe(401);
    expect(await fromPage.text()).toBe(messages.controlTokenRequired);
    expect(em.user('mallory@example.com')).toBeUndefined();
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/requests'],
      ['POST', '/clock/advance'],
      ['POST', '/faults'],
    ] as const) {
      const res = await call(em.url, method, `/__emulator${path}`, {
        ...(method === 'POST' && { body: { ms: 1 } }),
      });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
    const wrong = await control('GET', '/clock', {
      headers: { 'x-emulator-token': `${em.controlToken.slice(1)}x` },
    });
    expect(wrong.status).toBe(401);
    expect(em.now()).toBe(T0);
    expect(em.faults).toEqual([]);
  });

  it('takes only application/json on everything but GET (415)', async () => {
    em = await startEmulator({ clock: () => T0 });
    const plain = await fetch(`${em.url}/__emulator/clock/advance`, {
      method: 'POST',
      headers: { 'x-emulator-token': em.controlToken, 'content-type': 'text/plain' },
      body: JSON.stringify({ ms: 60_000 }),
    });
    expect(plain.status).toBe(415);
    expect(await plain.text()).toBe(messages.controlJsonRequired);
    const none = await fetch(`${em.url}/__emulator/requests`, {
      method: 'DELETE',
      headers: { 'x-emulator-token': em.controlToken },
    });
    expect(none.status).toBe(415);
    expect(em.now()).toBe(T0);
    expect((await control('GET', '/clock', { headers: { 'content-type': '' } })).status).toBe(200);
  });

  it('refuses a body over 64 KiB (413), with or without a content length', async () => {
    em = await startEmulator({ clock: () => T0 });
    const big = { kind: 'status', status: 503, body: 'x'.repeat(70 * 1024) };
    const res = await control('POST', '/faults', { body: big });
    expect(res.status).toBe(413);
    const chunked = await fetch(`${em.url}/__emulator/faults`, {
      method: 'POST',
      headers: em.controlHeaders(),
      body: new Blob([JSON.stringify(big)]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(em.faults).toEqual([]);
  });

  it('gives each emulator its own token; the controlToken option sets it', async () => {
    em = await startEmulator();
    const other = createEmulatorApp();
    expect(em.controlToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(other.controlToken).not.toBe(em.controlToken);
    expect(em.controlHeaders()).toEqual({
      'x-emulator-token': em.controlToken,
      'content-type': 'application/json',
    });
    const chosen = createEmulatorApp({ controlToken: 'a-token-for-this-ci-job' });
    expect(chosen.controlToken).toBe('a-token-for-this-ci-job');
    expect(() => createEmulatorApp({ controlToken: 'short' })).toThrow(EmulatorOptionsError);
  });

  it('emulator.fetch adds the token itself, so in-process callers need nothing', async () => {
    const app = createEmulatorApp({ clock: () => T0 });
    const res = await app.fetch('/__emulator/clock/advance', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 1_000 }),
    });
    expect(await res.json()).toEqual({ now: T0 + 1_000 });
    const wrong = await app.fetch('/__emulator/clock', {
      headers: { 'x-emulator-token': 'not-the-token-at-all' },
    });
    expect(wrong.status).toBe(401);
  });
});

describe('CORS', () => {
  it('sends no CORS headers by default, to a preflight or to a request', async () => {
    em = await startEmulator();
    const preflight = await fetch(`${em.url}/sys/v1/session/config_2fa/auth`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    const answer = await call(em.url, 'POST', '/sys/v1/session/refresh', {
      headers: { origin: 'http://localhost:5173' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets in the origins named by corsOrigin, with the headers a client needs', async () => {
    em = await startEmulator({ corsOrigin: ['http://localhost:3000'] });
    const preflight = await fetch(`${em.url}/__emulator/clock`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-emulator-token',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'x-emulator-token',
    );
    expect(em.requests).toEqual([]);
    const allowed = await call(em.url, 'POST', '/sys/v1/session/refresh', {
      headers: { origin: 'http://localhost:3000' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const other = await call(em.url, 'POST', '/sys/v1/session/refresh', {
      headers: { origin: 'http://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("still answers '*' when asked to", async () => {
    em = await startEmulator({ corsOrigin: '*' });
    const res = await call(em.url, 'POST', '/sys/v1/session/refresh', {
      headers: { origin: 'http://localhost:5173' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
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

describe('controls that take a session token', () => {
  it("take the client's Secret as well as the plain token", async () => {
    em = await startEmulator({ clock: () => T0 });
    // `authenticate()` hands the token out as a Secret, as here.
    const auth = { accessToken: new Secret((await signIn(em)).token) };
    await unlock(em, auth.accessToken.reveal());
    expect(em.lockState(auth.accessToken)).toMatchObject({ unlocked: true, sessionAlive: true });
    expect(em.lockState(auth.accessToken)).toEqual(em.lockState(auth.accessToken.reveal()));
    expect(em.expireSession(auth.accessToken)).toBe(true);
    expect(em.lockState(auth.accessToken)).toEqual({ unlocked: false, sessionAlive: false });
  });

  it('throw EmulatorOptionsError for anything else, rather than answer for no session', () => {
    const app = createEmulatorApp();
    for (const token of [undefined, null, 42, {}, ['t'], { reveal: () => 7 }]) {
      expect(() => app.lockState(token as never)).toThrow(EmulatorOptionsError);
      expect(() => app.expireSession(token as never)).toThrow(EmulatorOptionsError);
    }
    const cleared = new Secret('a-token');
    cleared.clear();
    expect(() => app.lockState(cleared)).toThrow(/cleared/);
    expect(() => app.lockState(42 as never)).toThrow(/string or a Secret, got number/);
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
