/**
 * One test per bug that the fault matrix and the fuzzing found, named after what now holds.
 * Each failed before its fix (listed in the issue 7 report).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDsmClient, Secret } from '../../src/client/index.js';
import { DEMO_USER } from '../../src/emulator/index.js';
import { startWorkflowTestbed, type WorkflowTestbed } from '../../src/testing/index.js';
import { restoreTwoFactorConfig } from '../../src/workflow/index.js';
import { startClientTestServer } from '../support/clientTestServer.js';
import { ON_REAL_TIME } from '../support/fakeClock.js';

const PASSWORD = DEMO_USER.password;

describe('regressions found by the fault matrix and the fuzzing', () => {
  let h: WorkflowTestbed;
  beforeEach(async () => {
    h = await startWorkflowTestbed({ ...ON_REAL_TIME, emulator: { rateLimit: false } });
  });
  afterEach(() => h.close());

  it('terminates after an unlock whose answer was lost, so that locked means DSM is locked', async () => {
    h.emulator.injectFault({
      kind: 'drop',
      phase: 'after',
      match: { operationId: 'Config2faAuth' },
    });
    const locked = new Promise((resolve) => h.workflow.on('locked', resolve));
    await expect(h.workflow.unlock(PASSWORD)).rejects.toMatchObject({ code: 'NETWORK' });
    // A lost answer is unknown, never "no": `locked` only once DSM is certainly locked.
    expect(h.workflow.state).toBe('locking');
    await expect(locked).resolves.toEqual({ type: 'locked', reason: 'lostAnswer' });
    expect(h.workflow.state).toBe('locked');
    expect(h.emulator.requests.filter((r) => r.operationId === 'Config2faTerminate').length).toBe(
      1,
    );
    expect(h.serverUnlocked()).toBe(false);
  });

  it('does not terminate after a refused unlock (a 4xx means DSM did not unlock)', async () => {
    await expect(h.workflow.unlock('wrong')).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    h.emulator.injectFault({ kind: 'status', status: 429, retryAfterS: 1 });
    await expect(h.workflow.unlock(PASSWORD)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(h.emulator.requests.filter((r) => r.operationId === 'Config2faTerminate').length).toBe(
      0,
    );
  });

  it('reads a 401 to an approval with a password as a wrong password when the session lives', async () => {
    const requestId = h.emulator.createApprovalRequest({
      reviewerEmail: DEMO_USER.email,
      requires2fa: false,
      requiresPassword: true,
    });
    await expect(h.workflow.approve(requestId, { password: 'wrong' })).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
    });
    expect(h.workflow.state).toBe('locked');
    await expect(h.workflow.approve(requestId, { password: PASSWORD })).resolves.toMatchObject({
      status: 'APPROVED',
    });
    h.emulator.expireSession(h.token);
    const next = h.emulator.createApprovalRequest({
      reviewerEmail: DEMO_USER.email,
      requires2fa: false,
      requiresPassword: true,
    });
    await expect(h.workflow.approve(next, { password: PASSWORD })).rejects.toMatchObject({
      code: 'SESSION_EXPIRED',
    });
    expect(h.workflow.state).toBe('sessionExpired');
  });

  it('answers a password with a lone surrogate with WRONG_PASSWORD, not a URIError', async () => {
    await expect(h.workflow.unlock('\uD800')).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    await expect(h.client.config2faAuth({ password: 'x\uDFFFy' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('refuses a malformed raw event with INVALID_INPUT, and the actor keeps running', async () => {
    for (const event of [undefined, null, 'lock', {}, { type: 'unlock', password: PASSWORD }]) {
      expect(() => h.workflow.actor.send(event as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    }
    expect(h.workflow.actor.getSnapshot().status).toBe('active');
    await expect(h.workflow.unlock(PASSWORD)).resolves.toBeDefined();
  });

  it('refuses a stored snapshot that would stay unlocked past one window from now', async () => {
    await h.workflow.unlock(PASSWORD);
    const honest = h.workflow.persist();
    const restore = (snapshot: unknown) =>
      restoreTwoFactorConfig({
        client: h.client,
        userId: h.userId,
        browserLifecycle: false,
        snapshot: snapshot as string,
      });
    restore(honest).actor.stop();
    const hourAhead = Date.now() + 3_600_000;
    expect(() => restore({ ...honest, deadline: hourAhead })).toThrow(
      expect.objectContaining({ code: 'INVALID_SNAPSHOT' }),
    );
    // A DSM lock an hour away only bounds the terminate's retries: capped at one window.
    const locking = restore({ ...honest, state: 'locking', serverLockBy: hourAhead });
    expect(locking.state).toBe('locking');
    expect(locking.actor.getSnapshot().context.serverLockBy).toBeLessThanOrEqual(
      Date.now() + 600_000 + 5_000,
    );
    locking.actor.stop();
  });
});

describe('regressions in the client', () => {
  it('refuses a success body over 4 MiB unread, by its Content-Length or as it streams', async () => {
    const server = await startClientTestServer();
    const client = createDsmClient({ baseUrl: server.url, token: new Secret('token') });
    try {
      server.handle((_request, response) => {
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(64 * 1024 * 1024),
        });
        response.write('{"recovery_codes":[');
      });
      await expect(client.generateRecoveryCodes()).rejects.toMatchObject({
        code: 'INVALID_RESPONSE',
        message: expect.stringContaining('larger than 4194304 bytes'),
      });
      // No Content-Length (chunked): the client stops reading at the cap.
      const chunk = `"${'c'.repeat(1024 * 1024)}",`;
      server.handle((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < 6; i++) response.write(chunk);
        response.end('"end"]}');
      });
      await expect(client.generateRecoveryCodes()).rejects.toMatchObject({
        code: 'INVALID_RESPONSE',
        message: expect.stringContaining('larger than 4194304 bytes'),
      });
    } finally {
      await server.close();
    }
  });
});
