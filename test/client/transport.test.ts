import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createDsmClient,
  DsmAbortedError,
  type DsmClient,
  DsmNetworkError,
  DsmTimeoutError,
} from '../../src/client/index.js';
import { dsmOperations, type OperationId, operationIds } from '../../src/client/operations.js';
import {
  approvalRequest,
  assertion,
  attestation,
  requestId,
  user,
  userId,
} from '../support/clientFixtures.js';
import {
  type ClientTestServer,
  reply,
  startClientTestServer,
} from '../support/clientTestServer.js';

let server: ClientTestServer;

beforeEach(async () => {
  server = await startClientTestServer();
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  await server.close();
});

const token = 'session-token-123';
/** Real retries, but with backoffs too short to matter. */
const quick = { limit: 2, backoffMs: 1, maxBackoffMs: 2 };

type Call = (client: DsmClient) => Promise<unknown>;

/**
 * Fake `setTimeout` and `clearTimeout`, and record the delays the client asks for, so that a
 * test can wait (on event-loop turns, not on time) until the client has armed a given timer.
 */
function fakeTimers() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const spy = vi.spyOn(globalThis, 'setTimeout');
  return {
    async armed(ms: number, times = 1): Promise<void> {
      const count = () => spy.mock.calls.filter(([, delay]) => delay === ms).length;
      for (let turn = 0; turn < 10_000 && count() < times; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(count()).toBeGreaterThanOrEqual(times);
    },
  };
}

/** One call per row of the operation table: a new row does not compile without one. */
const calls: Record<OperationId, Call> = {
  Authenticate: (c) => c.authenticate({ email: 'ada@example.com', password: 'pw' }),
  CompleteFido2Auth: (c) => c.completeFido2Auth(assertion),
  RecoveryCodeAuth: (c) => c.recoveryCodeAuth({ recoveryCode: 'code-1' }),
  Config2faAuth: (c) => c.config2faAuth({ password: 'pw' }),
  Config2faTerminate: (c) => c.config2faTerminate(),
  MfaNewChallenge: (c) => c.mfaNewChallenge(),
  Refresh: (c) => c.refresh(),
  Terminate: (c) => c.terminate(),
  GenerateRecoveryCodes: (c) => c.generateRecoveryCodes(),
  GetUser: (c) => c.getUser(userId),
  UpdateUser: (c) => c.updateUser(userId, { del_mfa_devices: [{ name: 'k' }] }),
  CreateApprovalRequest: (c) => c.createApprovalRequest({ operation: '/x' }),
  GetApprovalRequest: (c) => c.getApprovalRequest(requestId),
  MfaChallenge: (c) => c.mfaChallenge(requestId),
  ApproveRequest: (c) => c.approveRequest(requestId, { fido2_auth_request: assertion }),
  DenyRequest: (c) => c.denyRequest(requestId),
};
/** What the idempotent operations answer once DSM is back (a 204 for the others). */
const answers: Partial<Record<OperationId, unknown>> = {
  GetUser: user,
  GetApprovalRequest: approvalRequest,
};
const idempotent = operationIds
  .filter((id) => dsmOperations[id].idempotent)
  .map((id) => [id, calls[id], answers[id]] as const);
const neverRetried = operationIds
  .filter((id) => !dsmOperations[id].idempotent)
  .map((id) => [id, calls[id]] as const);

/** Fails `failures` times with `status`, then answers like DSM would. */
function flaky(failures: number, status: number, success: unknown) {
  let count = 0;
  return (_req: unknown, res: Parameters<typeof reply>[0]) => {
    count++;
    if (count <= failures) reply(res, status, 'Service unavailable.');
    else if (success === undefined) reply(res, 204);
    else reply(res, 200, success);
  };
}

describe('retries', () => {
  it.each(idempotent)('%s is retried after 503 and succeeds', async (_name, run, result) => {
    server.handle(flaky(2, 503, result));
    const client = createDsmClient({ baseUrl: server.url, token, retry: quick });
    await expect(run(client)).resolves.toEqual(result);
    expect(server.requests).toHaveLength(3);
  });

  it.each([408, 429, 500, 502, 503, 504])('retries after %i', async (status) => {
    server.handle(flaky(1, status, undefined));
    await createDsmClient({ baseUrl: server.url, token, retry: quick }).refresh();
    expect(server.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 409, 423, 501])('does not retry after %i', async (status) => {
    server.handle(flaky(1, status, undefined));
    const client = createDsmClient({ baseUrl: server.url, token, retry: quick });
    await expect(client.refresh()).rejects.toMatchObject({ status });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after `limit` retries with the last error', async () => {
    server.handle(flaky(10, 503, undefined));
    const client = createDsmClient({ baseUrl: server.url, token, retry: { ...quick, limit: 3 } });
    await expect(client.terminate()).rejects.toMatchObject({ code: 'HTTP_ERROR', status: 503 });
    expect(server.requests).toHaveLength(4);
  });

  it.each([[false], [0]] as const)('retry: %j turns retries off', async (retry) => {
    server.handle(flaky(1, 503, undefined));
    await expect(
      createDsmClient({ baseUrl: server.url, token, retry }).refresh(),
    ).rejects.toMatchObject({
      status: 503,
    });
    expect(server.requests).toHaveLength(1);
  });

  it.each(neverRetried)('%s is never retried', async (_name, run) => {
    server.handle(flaky(1, 503, undefined));
    const client = createDsmClient({ baseUrl: server.url, token, retry: { ...quick, limit: 5 } });
    await expect(run(client)).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it('updateUser with a device is never retried, even after a dropped connection', async () => {
    server.handle((_req, res) => res.socket?.destroy());
    const client = createDsmClient({ baseUrl: server.url, token, retry: { ...quick, limit: 5 } });
    await expect(
      client.updateUser(userId, {
        add_mfa_devices: [{ name: 'Key', attestationResult: attestation }],
      }),
    ).rejects.toBeInstanceOf(DsmNetworkError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries an idempotent operation after a dropped connection', async () => {
    let count = 0;
    server.handle((_req, res) => {
      count++;
      if (count === 1) res.socket?.destroy();
      else reply(res, 200, user);
    });
    const client = createDsmClient({ baseUrl: server.url, token, retry: quick });
    await expect(client.getUser(userId)).resolves.toEqual(user);
    expect(server.requests).toHaveLength(2);
  });

  it('backs off 300 ms, then 600 ms by default', async () => {
    const timers = fakeTimers();
    server.handle(flaky(10, 503, undefined));
    const result = createDsmClient({ baseUrl: server.url, token })
      .refresh()
      .catch((e: unknown) => e);
    await timers.armed(300);
    await vi.advanceTimersByTimeAsync(299);
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await server.received(2);
    await timers.armed(600);
    await vi.advanceTimersByTimeAsync(599);
    expect(server.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await server.received(3);
    await expect(result).resolves.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(3);
  });

  it('doubles the backoff until it reaches maxBackoffMs, then stays there', async () => {
    const timers = fakeTimers();
    server.handle(flaky(10, 503, undefined));
    const retry = { limit: 3, backoffMs: 300, maxBackoffMs: 500 };
    const result = createDsmClient({ baseUrl: server.url, token, retry })
      .refresh()
      .catch((e: unknown) => e);
    for (const [wait, sent] of [
      [300, 2],
      [500, 3],
      [500, 4],
    ] as const) {
      await timers.armed(wait, sent === 4 ? 2 : 1);
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(server.requests).toHaveLength(sent - 1);
      await vi.advanceTimersByTimeAsync(1);
      await server.received(sent);
    }
    await expect(result).resolves.toMatchObject({ status: 503 });
  });

  it('waits for Retry-After on a 500 too, not only on 429 and 503', async () => {
    const timers = fakeTimers();
    let count = 0;
    server.handle((_req, res) => {
      count++;
      if (count === 1) reply(res, 500, 'Restarting.', { 'retry-after': '7' });
      else reply(res, 204);
    });
    const result = createDsmClient({ baseUrl: server.url, token }).refresh();
    await timers.armed(7_000);
    await vi.advanceTimersByTimeAsync(6_999);
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBeUndefined();
  });

  it('backs off as usual when Retry-After cannot be read', async () => {
    const timers = fakeTimers();
    let count = 0;
    server.handle((_req, res) => {
      count++;
      if (count === 1) reply(res, 503, 'Later.', { 'retry-after': 'soon' });
      else reply(res, 204);
    });
    const result = createDsmClient({ baseUrl: server.url, token }).refresh();
    await timers.armed(300);
    await vi.advanceTimersByTimeAsync(300);
    await expect(result).resolves.toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });

  it('waits for Retry-After instead of the backoff', async () => {
    const timers = fakeTimers();
    let count = 0;
    server.handle((_req, res) => {
      count++;
      if (count === 1) reply(res, 429, 'Slow down.', { 'retry-after': '2' });
      else reply(res, 204);
    });
    const result = createDsmClient({ baseUrl: server.url, token }).refresh();
    await timers.armed(2_000);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });

  it('caps Retry-After at maxBackoffMs', async () => {
    const timers = fakeTimers();
    let count = 0;
    server.handle((_req, res) => {
      count++;
      if (count === 1) reply(res, 503, 'Maintenance.', { 'retry-after': '3600' });
      else reply(res, 204);
    });
    const client = createDsmClient({ baseUrl: server.url, token, retry: { maxBackoffMs: 5_000 } });
    const result = client.refresh();
    await timers.armed(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(result).resolves.toBeUndefined();
  });

  it('an abort while waiting to retry rejects at once, with no further request', async () => {
    const timers = fakeTimers();
    server.handle(flaky(10, 503, undefined));
    const controller = new AbortController();
    const result = createDsmClient({ baseUrl: server.url, token })
      .refresh({ signal: controller.signal })
      .catch((e: unknown) => e);
    await timers.armed(300);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await expect(result).resolves.toBeInstanceOf(DsmAbortedError);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.requests).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('gives up after 30 s by default, not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    server.handle(() => {});
    let settled = false;
    const result = createDsmClient({ baseUrl: server.url, token })
      .config2faAuth({ password: 'pw' })
      .catch((e: unknown) => e)
      .finally(() => {
        settled = true;
      });
    await server.received(1);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await result;
    expect(error).toBeInstanceOf(DsmTimeoutError);
    expect(error).toMatchObject({
      code: 'TIMEOUT',
      timeoutMs: 30_000,
      operationId: 'Config2faAuth',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('honours timeoutMs and does not retry a timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    server.handle(() => {});
    const client = createDsmClient({ baseUrl: server.url, token, timeoutMs: 1_000 });
    const result = client.terminate().catch((e: unknown) => e);
    await server.received(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(result).resolves.toMatchObject({ code: 'TIMEOUT', timeoutMs: 1_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.requests).toHaveLength(1);
  });

  it('covers a body that stalls after the headers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"user_id":');
    });
    const client = createDsmClient({ baseUrl: server.url, token, timeoutMs: 5_000, retry: false });
    const result = client.getUser(userId).catch((e: unknown) => e);
    await server.received(1);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(result).resolves.toBeInstanceOf(DsmTimeoutError);
  });
  it('covers an error body that stalls after the headers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    server.handle((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.write('Service unava');
    });
    const client = createDsmClient({ baseUrl: server.url, token, timeoutMs: 5_000, retry: false });
    const result = client.getUser(userId).catch((e: unknown) => e);
    await server.received(1);
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(result).resolves.toBeInstanceOf(DsmTimeoutError);
  });
});

describe('aborts', () => {
  it('rejects at once with DsmAbortedError while the request hangs', async () => {
    server.handle(() => {});
    const controller = new AbortController();
    const client = createDsmClient({ baseUrl: server.url, token });
    const result = client.config2faAuth({ password: 'pw' }, { signal: controller.signal });
    await server.received(1);
    controller.abort();
    await expect(result).rejects.toBeInstanceOf(DsmAbortedError);
    await expect(result).rejects.toMatchObject({ code: 'ABORTED', operationId: 'Config2faAuth' });
  });

  it('sends nothing when the signal is already aborted', async () => {
    const client = createDsmClient({ baseUrl: server.url, token });
    await expect(client.refresh({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      DsmAbortedError,
    );
    await expect(
      createDsmClient({ baseUrl: server.url }).authenticate(
        { email: 'a@example.com', password: 'pw' },
        { signal: AbortSignal.abort() },
      ),
    ).rejects.toBeInstanceOf(DsmAbortedError);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects promptly even when fetch ignores the signal', async () => {
    const fetch: typeof globalThis.fetch = () => new Promise(() => {});
    const controller = new AbortController();
    const client = createDsmClient({ baseUrl: 'https://dsm.example', token, fetch });
    const result = client.getUser(userId, { signal: controller.signal });
    controller.abort(new Error('caller gave up'));
    await expect(result).rejects.toBeInstanceOf(DsmAbortedError);
  });

  it('an abort with a custom reason is still DsmAbortedError', async () => {
    server.handle(() => {});
    const controller = new AbortController();
    const client = createDsmClient({ baseUrl: server.url, token });
    const result = client.refresh({ signal: controller.signal });
    await server.received(1);
    controller.abort(new DOMException('The user left the page.', 'TimeoutError'));
    await expect(result).rejects.toBeInstanceOf(DsmAbortedError);
  });
});

describe('network errors', () => {
  it('a refused connection is DsmNetworkError with the cause code', async () => {
    const closed = await startClientTestServer();
    const url = closed.url;
    await closed.close();
    const client = createDsmClient({ baseUrl: url, token, retry: false });
    const error = await client.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DsmNetworkError);
    expect(error).toMatchObject({ code: 'NETWORK', operationId: 'Refresh' });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a connection dropped mid-request is DsmNetworkError', async () => {
    server.handle((_req, res) => res.socket?.destroy());
    const client = createDsmClient({ baseUrl: server.url, token });
    await expect(client.config2faAuth({ password: 'pw' })).rejects.toBeInstanceOf(DsmNetworkError);
    expect(server.requests).toHaveLength(1);
  });
});
