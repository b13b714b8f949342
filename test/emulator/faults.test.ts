import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  EmulatorFaultError,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import { call, settled, signIn, unlock, until } from '../support/emulatorHttp.js';

let em: RunningEmulator;

afterEach(async () => {
  vi.useRealTimers();
  await em?.close();
});

async function started(): Promise<{ token: string }> {
  em = await startEmulator({ clock: () => Date.UTC(2030, 0, 1) });
  return signIn(em);
}

const refresh = (token: string, fetchImpl?: typeof fetch) =>
  call(em.url, 'POST', '/sys/v1/session/refresh', {
    token,
    ...(fetchImpl && { fetch: fetchImpl }),
  });

const logged = (operationId: string) => () =>
  em.requests.some((r) => r.operationId === operationId);

describe('fault injection over HTTP', () => {
  it('adds latency with a real setTimeout that fake timers control', async () => {
    const { token } = await started();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    em.injectFault({ kind: 'latency', ms: 5_000, match: { operationId: 'Refresh' } });
    const pending = refresh(token);
    await until(logged('Refresh'));
    expect(await settled(pending)).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect((await pending).status).toBe(204);
    expect(em.requests.at(-1)).toMatchObject({
      operationId: 'Refresh',
      status: 204,
      latencyMs: 5_000,
    });
  });

  it('answers an injected status with a plain body and Retry-After', async () => {
    const { token } = await started();
    em.injectFault({
      kind: 'status',
      status: 503,
      retryAfterS: 7,
      match: { operationId: 'Refresh' },
    });
    const res = await refresh(token);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toBe('Injected fault: HTTP 503.');
    expect((await refresh(token)).status).toBe(204);
  });

  it('injects a status with a chosen body (e.g. the locked text) only for matching requests', async () => {
    const { token } = await started();
    em.injectFault({
      kind: 'status',
      status: 403,
      body: 'custom',
      match: { method: 'post', path: '/sys/v1/session/config_2fa/auth' },
    });
    expect((await refresh(token)).status).toBe(204);
    const res = await unlock(em, token);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('custom');
    expect(em.lockState(token).unlocked).toBe(false);
  });

  it('matches by RegExp path, and answers a bodiless status without a body', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'status', status: 204, match: { path: /config_2fa\/auth$/ } });
    const res = await unlock(em, token);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(em.lockState(token).unlocked).toBe(false);
  });

  it('drops the connection: fetch fails, nothing changes on the server (phase before)', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'drop', match: { operationId: 'Config2faAuth' } });
    await expect(unlock(em, token)).rejects.toThrow(TypeError);
    expect(em.lockState(token).unlocked).toBe(false);
    expect(em.requests.at(-1)).toMatchObject({
      operationId: 'Config2faAuth',
      status: 0,
      fault: 'drop',
    });
  });

  it('drops the answer after the server acted (phase after): the unlock happened', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'drop', phase: 'after', match: { operationId: 'Config2faAuth' } });
    await expect(unlock(em, token)).rejects.toThrow(TypeError);
    expect(em.lockState(token).unlocked).toBe(true);
  });

  it('"refused" closes the connection the same way; a closed port refuses for real', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'refused' });
    await expect(refresh(token)).rejects.toThrow(TypeError);
    const { url } = em;
    await em.close();
    await expect(fetch(`${url}/sys/v1/session/refresh`, { method: 'POST' })).rejects.toThrow(
      TypeError,
    );
  });

  it('resets mid-body: status and headers arrive, the body fails', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'reset', match: { operationId: 'Config2faAuth' } });
    const res = await unlock(em, token);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    // Default phase "after": the server did unlock.
    expect(em.lockState(token).unlocked).toBe(true);
  });

  it('hangs until the client aborts', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'hang', match: { operationId: 'Refresh' } });
    const controller = new AbortController();
    const pending = call(em.url, 'POST', '/sys/v1/session/refresh', {
      token,
      signal: controller.signal,
    });
    await until(logged('Refresh'));
    expect(await settled(pending)).toBe(false);
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    expect((await refresh(token)).status).toBe(204);
  });

  it('releases hanging requests on close()', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'hang', times: Number.POSITIVE_INFINITY });
    const pending = [refresh(token), refresh(token)];
    await until(() => em.requests.filter((r) => r.operationId === 'Refresh').length === 2);
    await em.close();
    for (const request of pending) await expect(request).rejects.toThrow(TypeError);
  });

  it('sends malformed JSON with 200', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'malformed', match: { operationId: 'Config2faAuth' } });
    const res = await unlock(em, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    await expect(res.json()).rejects.toThrow(SyntaxError);
    expect(em.lockState(token).unlocked).toBe(false);
  });

  it('labels the real JSON answer text/html', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'wrongContentType', match: { operationId: 'Config2faAuth' } });
    const res = await unlock(em, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toBe('{}');
  });

  it('sends an oversized body of several MB', async () => {
    const { token } = await started();
    em.injectFault({
      kind: 'oversized',
      bytes: 6 * 1024 * 1024,
      match: { operationId: 'Config2faAuth' },
    });
    const res = await unlock(em, token);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBe(6 * 1024 * 1024);
    expect((await res.arrayBuffer()).byteLength).toBe(6 * 1024 * 1024);
  });

  it('streams an oversized body from one small chunk, never holding it whole', async () => {
    const { token } = await started();
    const bytes = 40 * 1024 * 1024;
    em.injectFault({ kind: 'oversized', bytes, match: { operationId: 'Refresh' } });
    const res = await refresh(token, em.fetch);
    expect(Number(res.headers.get('content-length'))).toBe(bytes);
    const reader = res.body?.getReader();
    let total = 0;
    let largest = 0;
    let text = '';
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      total += chunk.value.byteLength;
      largest = Math.max(largest, chunk.value.byteLength);
      if (text.length < 16) text += Buffer.from(chunk.value.subarray(0, 16)).toString();
    }
    expect(total).toBe(bytes);
    expect(largest).toBeLessThanOrEqual(64 * 1024);
    expect(text.startsWith('{"padding":"xxx')).toBe(true);
  });

  it('bounds every size a fault can ask for, and how many can be armed', async () => {
    await started();
    expect(() => em.injectFault({ kind: 'oversized', bytes: 64 * 1024 * 1024 + 1 })).toThrow(
      EmulatorFaultError,
    );
    expect(() => em.injectFault({ kind: 'oversized', bytes: 1e12 })).toThrow(/bytes/);
    expect(() => em.injectFault({ kind: 'latency', ms: 600_001 })).toThrow(/ms/);
    expect(() =>
      em.injectFault({ kind: 'status', status: 503, body: 'x'.repeat(64 * 1024 + 1) }),
    ).toThrow(/body/);
    for (let i = 0; i < 1_000; i++) em.injectFault({ kind: 'drop', match: { path: '/none' } });
    expect(() => em.injectFault({ kind: 'drop' })).toThrow(/at most 1000/);
    expect(em.faults).toHaveLength(1_000);
    const overHttp = await call(em.url, 'POST', '/__emulator/faults', {
      headers: em.controlHeaders(),
      body: { kind: 'oversized', bytes: 2 ** 40 },
    });
    expect(overHttp.status).toBe(400);
  });

  it('the request log keeps the last requestLogLimit requests', async () => {
    em = await startEmulator({ requestLogLimit: 3 });
    const { token } = await signIn(em);
    for (let i = 0; i < 4; i++) await refresh(token);
    expect(em.requests.map((r) => [r.seq, r.operationId])).toEqual([
      [3, 'Refresh'],
      [4, 'Refresh'],
      [5, 'Refresh'],
    ]);
  });

  it('applies a fault `times` times, or until cleared with Infinity', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'status', status: 500, times: 2 });
    expect((await refresh(token)).status).toBe(500);
    expect(em.faults).toMatchObject([{ remaining: 1 }]);
    expect((await refresh(token)).status).toBe(500);
    expect((await refresh(token)).status).toBe(204);
    em.injectFault({ kind: 'status', status: 502, times: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 3; i++) expect((await refresh(token)).status).toBe(502);
    em.clearFaults();
    expect((await refresh(token)).status).toBe(204);
    const id = em.injectFault({ kind: 'status', status: 500 });
    expect(em.removeFault(id)).toBe(true);
    expect((await refresh(token)).status).toBe(204);
  });

  it('refuses faults that make no sense', async () => {
    await started();
    expect(() => em.injectFault({ kind: 'nope' } as never)).toThrow(EmulatorFaultError);
    expect(() => em.injectFault({ kind: 'status', status: 42 })).toThrow(/status/);
    expect(() => em.injectFault({ kind: 'latency', ms: -1 })).toThrow(/ms/);
    expect(() => em.injectFault({ kind: 'drop', times: 0 })).toThrow(/times/);
  });
});

describe('fault injection through emulator.fetch', () => {
  it('latency, under fake timers', async () => {
    const { token } = await started();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    em.injectFault({ kind: 'latency', ms: 1_000 });
    const pending = refresh(token, em.fetch);
    await until(logged('Refresh'));
    expect(await settled(pending)).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await pending).status).toBe(204);
  });

  it('drop rejects like a network error', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'drop' });
    await expect(refresh(token, em.fetch)).rejects.toThrow('fetch failed');
  });

  it('hang waits for the abort signal', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'hang' });
    const controller = new AbortController();
    const pending = call(em.url, 'POST', '/sys/v1/session/refresh', {
      token,
      signal: controller.signal,
      fetch: em.fetch,
    });
    await until(logged('Refresh'));
    expect(await settled(pending)).toBe(false);
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  });

  it('hang is released by close()', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'hang' });
    const pending = refresh(token, em.fetch);
    await until(logged('Refresh'));
    await em.close();
    await expect(pending).rejects.toThrow('fetch failed');
  });

  it('reset yields a body that fails half-way', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'reset', match: { operationId: 'Config2faAuth' } });
    const res = await call(em.url, 'POST', '/sys/v1/session/config_2fa/auth', {
      token,
      body: { password: 'demo-password-not-secret' },
      fetch: em.fetch,
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow('fetch failed');
  });

  it('status, malformed, wrongContentType and oversized work as over HTTP', async () => {
    const { token } = await started();
    em.injectFault({ kind: 'status', status: 429, retryAfterS: 3 });
    const limited = await refresh(token, em.fetch);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
    em.injectFault({ kind: 'malformed' });
    await expect((await refresh(token, em.fetch)).json()).rejects.toThrow(SyntaxError);
    em.injectFault({ kind: 'oversized', bytes: 3 * 1024 * 1024 });
    expect((await (await refresh(token, em.fetch)).arrayBuffer()).byteLength).toBe(3 * 1024 * 1024);
    em.injectFault({ kind: 'wrongContentType', match: { operationId: 'GetUser' } });
    const user = await call(em.url, 'GET', '/sys/v1/users/0b8d2f4e-6f1a-4c3b-9a57-5d2e8c1f7a10', {
      token,
      fetch: em.fetch,
    });
    expect(user.headers.get('content-type')).toContain('text/html');
  });

  it('resolves relative paths against the emulator URL', async () => {
    const { token } = await started();
    const res = await em.fetch('/sys/v1/session/refresh', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(204);
  });
});
