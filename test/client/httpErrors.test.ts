import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDsmClient,
  DsmBadRequestError,
  type DsmClient,
  DsmConflictError,
  DsmError,
  DsmForbiddenError,
  DsmHttpError,
  DsmLockedError,
  DsmNotFoundError,
  DsmRateLimitedError,
  DsmUnauthorizedError,
  isDsmError,
} from '../../src/client/index.js';
import { userId } from '../support/clientFixtures.js';
import {
  type ClientTestServer,
  reply,
  startClientTestServer,
} from '../support/clientTestServer.js';

let server: ClientTestServer;
let client: DsmClient;

beforeEach(async () => {
  server = await startClientTestServer();
  client = createDsmClient({ baseUrl: server.url, token: 'session-token-123', retry: false });
});
afterEach(() => server.close());

async function failure(run: () => Promise<unknown>): Promise<DsmError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(DsmError);
    return error as DsmError;
  }
  throw new Error('expected a rejection');
}

describe('each status becomes its error class', () => {
  it.each([
    [400, DsmBadRequestError, 'BAD_REQUEST'],
    [401, DsmUnauthorizedError, 'UNAUTHORIZED'],
    [403, DsmForbiddenError, 'FORBIDDEN'],
    [404, DsmNotFoundError, 'NOT_FOUND'],
    [409, DsmConflictError, 'CONFLICT'],
    [423, DsmLockedError, 'LOCKED'],
    [429, DsmRateLimitedError, 'RATE_LIMITED'],
    [500, DsmHttpError, 'HTTP_ERROR'],
    [418, DsmHttpError, 'HTTP_ERROR'],
  ] as const)('%i → %o (%s)', async (status, ErrorClass, code) => {
    server.handle((_req, res) => reply(res, status, `DSM says ${status}.`));
    const error = await failure(() => client.config2faAuth({ password: 'pw' }));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(DsmHttpError);
    expect(error).toMatchObject({
      code,
      name: ErrorClass.name,
      status,
      operationId: 'Config2faAuth',
    });
    expect((error as DsmHttpError).untrustedServerText()).toBe(`DSM says ${status}.`);
    expect(error.message).toContain('Config2faAuth');
    expect(error.message).toContain(`HTTP ${status}`);
    // DSM's text is the app's to show, never the library's message.
    expect(error.message).not.toContain('DSM says');
    expect(isDsmError(error, code)).toBe(true);
    expect(error.toJSON()).toMatchObject({
      name: ErrorClass.name,
      code,
      status,
      operationId: 'Config2faAuth',
    });
  });

  it('keeps an empty DSM body as empty server text', async () => {
    server.handle((_req, res) => reply(res, 404));
    const error = (await failure(() => client.getUser(userId))) as DsmHttpError;
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    expect(error.untrustedServerText()).toBe('');
  });

  it('reads at most 16 KiB of a long DSM body, and none of it reaches the message', async () => {
    server.handle((_req, res) => reply(res, 400, 'x'.repeat(100_000)));
    const error = (await failure(() => client.getUser(userId))) as DsmHttpError;
    expect(error.untrustedServerText().length).toBe(16 * 1024);
    expect(error.message).not.toContain('xxx');
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('403 reasons, from the emulator texts', () => {
  it.each([
    [
      'Two factor configuration is locked. Unlock it with POST /sys/v1/session/config_2fa/auth first.',
      'configLocked',
    ],
    [
      'Two factor configuration is unlocked; the two factor device cannot be used until it is locked again.',
      'configUnlocked',
    ],
    ['It is not possible use 2FA when configuration mode is unlocked.', 'configUnlocked'],
    ['This session must complete two factor authentication first.', 'secondFactorRequired'],
    ['This operation requires approval', 'other'],
    ['', 'other'],
  ])('%j → %s', async (text, reason) => {
    server.handle((_req, res) => reply(res, 403, text));
    const error = await failure(() => client.generateRecoveryCodes());
    expect(error).toBeInstanceOf(DsmForbiddenError);
    expect(error).toMatchObject({ reason });
    expect(error.toJSON()).toMatchObject({ reason });
  });
});

describe('401 texts', () => {
  it.each(['Invalid password.', 'Session expired or invalid.'])('%s', async (text) => {
    server.handle((_req, res) => reply(res, 401, text));
    const error = await failure(() => client.config2faAuth({ password: 'pw' }));
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect((error as DsmHttpError).untrustedServerText()).toBe(text);
  });
});

describe('429 and Retry-After', () => {
  const rateLimited = 'Too many failed password attempts. Try again later.';

  it('reads Retry-After in seconds', async () => {
    server.handle((_req, res) => reply(res, 429, rateLimited, { 'retry-after': '120' }));
    const error = await failure(() => client.config2faAuth({ password: 'pw' }));
    expect(error).toBeInstanceOf(DsmRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 120_000 });
    expect((error as DsmHttpError).untrustedServerText()).toBe(rateLimited);
    expect(error.message).toContain('Try again in 120 s.');
    expect(error.toJSON()).toMatchObject({ retryAfterMs: 120_000 });
  });

  it('reads Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 90_000);
    at.setMilliseconds(0);
    server.handle((_req, res) => reply(res, 429, rateLimited, { 'retry-after': at.toUTCString() }));
    const error = (await failure(() =>
      client.config2faAuth({ password: 'pw' }),
    )) as DsmRateLimitedError;
    expect(error.retryAfterMs).toBeGreaterThan(85_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(90_000);
  });

  it.each([[undefined], ['soon'], ['-5']])(
    'leaves retryAfterMs undefined for %j',
    async (header) => {
      server.handle((_req, res) =>
        reply(res, 429, rateLimited, header === undefined ? {} : { 'retry-after': header }),
      );
      const error = await failure(() => client.config2faAuth({ password: 'pw' }));
      expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: undefined });
      expect(error.message).toContain('Wait before trying again.');
      expect(error.toJSON()).not.toHaveProperty('retryAfterMs');
    },
  );
});

describe('redirects', () => {
  it.each([301, 302, 307, 308])(
    'does not follow a %i (it would resend the credentials)',
    async (status) => {
      const other = await startClientTestServer();
      other.handle((_req, res) => reply(res, 200, {}));
      server.handle((_req, res) =>
        reply(res, status, undefined, { location: `${other.url}/steal` }),
      );
      const error = await failure(() => client.config2faAuth({ password: 'hunter2-password' }));
      expect(error).toMatchObject({ code: 'HTTP_ERROR', status, operationId: 'Config2faAuth' });
      expect(error.message).toContain('does not follow redirects');
      expect(other.requests).toHaveLength(0);
      await other.close();
    },
  );
});
