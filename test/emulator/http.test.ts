/** HTTP as a real server speaks it: 405 with Allow, bodiless 204s, a busy port named plainly. */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EmulatorPortInUseError,
  messages,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import { call, lock, signIn, unlock } from '../support/emulatorHttp.js';

let em: RunningEmulator;

afterEach(async () => {
  await em?.close();
});

describe('a known path asked with the wrong method', () => {
  it.each([
    ['GET', '/sys/v1/session/auth', 'POST'],
    ['PUT', '/sys/v1/session/config_2fa/auth', 'POST'],
    ['DELETE', '/sys/v1/users/0b8d2f4e-6f1a-4c3b-9a57-5d2e8c1f7a10', 'GET, HEAD, PATCH'],
    ['GET', '/sys/v1/approval_requests/0b8d2f4e-6f1a-4c3b-9a57-5d2e8c1f7a10/approve', 'POST'],
  ])('%s %s answers 405 with Allow: %s', async (method, path, allow) => {
    em = await startEmulator();
    const res = await call(em.url, method, path);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(allow.split(', ').sort());
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(messages.methodNotAllowed);
  });

  it('on the control surface too (with the token), and 404 stays for unknown paths', async () => {
    em = await startEmulator();
    const res = await call(em.url, 'PATCH', '/__emulator/faults', {
      headers: em.controlHeaders(),
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(
      ['DELETE', 'GET', 'HEAD', 'POST'].sort(),
    );
    expect((await call(em.url, 'GET', '/sys/v1/nowhere')).status).toBe(404);
    expect((await call(em.url, 'POST', '/sys/v1/session')).status).toBe(404);
  });
});

describe('204 answers', () => {
  /** Asserts a bodiless 204: no content type, no content length, nothing to read. */
  async function bodiless(res: Response, what: string): Promise<void> {
    expect(res.status, what).toBe(204);
    expect(res.headers.get('content-type'), what).toBeNull();
    expect(res.headers.get('content-length'), what).toBeNull();
    expect(await res.text(), what).toBe('');
  }

  it('carry no content type and no body, from DSM routes and the control surface', async () => {
    em = await startEmulator();
    const { token } = await signIn(em);
    await bodiless(await call(em.url, 'POST', '/sys/v1/session/refresh', { token }), 'Refresh');
    await unlock(em, token);
    await bodiless(await lock(em, token), 'Config2faTerminate');
    await bodiless(
      await call(em.url, 'DELETE', '/__emulator/requests', { headers: em.controlHeaders() }),
      'DELETE /__emulator/requests',
    );
    await bodiless(await call(em.url, 'POST', '/sys/v1/session/terminate', { token }), 'Terminate');
  });

  it('carry none when a fault makes them either', async () => {
    em = await startEmulator();
    const { token } = await signIn(em);
    em.injectFault({ kind: 'status', status: 204, match: { operationId: 'GetUser' } });
    const faulted = await call(em.url, 'GET', `/sys/v1/users/${em.users[0]?.userId}`, { token });
    await bodiless(faulted, 'status fault 204');
    em.injectFault({ kind: 'wrongContentType', match: { operationId: 'Refresh' } });
    await bodiless(
      await call(em.url, 'POST', '/sys/v1/session/refresh', { token }),
      'wrongContentType on a 204',
    );
    // In process as well.
    em.injectFault({ kind: 'status', status: 204, match: { operationId: 'GetUser' } });
    const inProcess = await em.fetch(`/sys/v1/users/${em.users[0]?.userId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await bodiless(inProcess, 'status fault 204 through emulator.fetch');
  });
});

describe('a port already in use', () => {
  let blocker: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    blocker = undefined;
  });

  it('rejects with EmulatorPortInUseError naming the port and --port 0', async () => {
    const server = createServer();
    blocker = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const started = startEmulator({ port });
    await expect(started).rejects.toBeInstanceOf(EmulatorPortInUseError);
    const error = (await started.catch((e: unknown) => e)) as EmulatorPortInUseError;
    expect(error.code).toBe('EMULATOR_PORT_IN_USE');
    expect(error.port).toBe(port);
    expect(error.message).toContain(`Port ${port}`);
    expect(error.message).toContain('--port 0');
    expect(error.message).not.toContain('\n');
  });
});
