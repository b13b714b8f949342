import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDsmClient,
  type DsmClient,
  DsmResponseValidationError,
} from '../../src/client/index.js';
import { nestedCreationOptions, requestId, user, userId } from '../support/clientFixtures.js';
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

async function invalid(run: () => Promise<unknown>): Promise<DsmResponseValidationError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DsmResponseValidationError);
  return error as DsmResponseValidationError;
}

describe('bodies that are not DSM JSON', () => {
  it('rejects malformed JSON without quoting it', async () => {
    server.handle((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"user_id": "abc", secret-stuff'),
    );
    const error = await invalid(() => client.getUser(userId));
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', operationId: 'GetUser', status: 200 });
    expect(error.issues).toEqual([{ path: [], message: 'body is not valid JSON' }]);
    expect(JSON.stringify(error)).not.toContain('secret-stuff');
    expect(inspect(error)).not.toContain('secret-stuff');
  });

  it('rejects a wrong content type', async () => {
    server.handle((_req, res) => reply(res, 200, '<html>login page</html>'));
    const error = await invalid(() => client.getUser(userId));
    // The content type DSM sent is server text: named by kind, never quoted.
    expect(error.issues[0]?.message).toBe('expected content type application/json, got another');
    expect(error.message).toContain('GetUser');
  });

  it('rejects a missing content type', async () => {
    server.handle((_req, res) => res.writeHead(200).end(JSON.stringify(user)));
    const error = await invalid(() => client.getUser(userId));
    expect(error.issues[0]?.message).toContain('got none');
  });

  it('accepts application/json with parameters and +json types', async () => {
    server.handle((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/vnd.dsm+json; charset=utf-8' })
        .end(JSON.stringify(user)),
    );
    await expect(client.getUser(userId)).resolves.toEqual(user);
  });

  it('rejects an empty body where DSM documents one', async () => {
    server.handle((_req, res) => reply(res, 204));
    const error = await invalid(() => client.generateRecoveryCodes());
    expect(error).toMatchObject({ status: 204 });
    expect(error.issues[0]?.message).toBe('expected a JSON body, got none (HTTP 204)');
  });

  it('rejects a 200 with an empty body where DSM documents one', async () => {
    server.handle((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end());
    await invalid(() => client.mfaNewChallenge());
  });
});

describe('schema failures', () => {
  it('lists the issues with paths and without values', async () => {
    server.handle((_req, res) =>
      reply(res, 200, {
        ...user,
        user_email: 12345,
        mfa_devices: [{ name: 'line one\nline two (hunter2)', type: 'Passkey' }],
        u2f_devices: undefined,
      }),
    );
    const error = await invalid(() => client.getUser(userId));
    const paths = error.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'mfa_devices.0.name',
        'mfa_devices.0.type',
        'u2f_devices',
        'user_email',
      ]),
    );
    const text = JSON.stringify(error.toJSON()) + inspect(error) + error.message;
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('12345');
    expect(text).not.toContain('Passkey');
    expect(error.toJSON()).toMatchObject({
      code: 'INVALID_RESPONSE',
      operationId: 'GetUser',
      status: 200,
    });
    for (const issue of error.issues)
      expect(Object.keys(issue).sort()).toEqual(['message', 'path']);
  });

  it('says what was expected', async () => {
    server.handle((_req, res) => reply(res, 200, { ...user, mfa_devices: [{ type: 'Fido2' }] }));
    const error = await invalid(() => client.getUser(userId));
    expect(error.issues).toEqual([
      { path: ['mfa_devices', 0, 'name'], message: 'required (string)' },
    ]);
    expect(error.message).toContain('mfa_devices.0.name: required (string)');
  });

  it('rejects an authenticate answer without a bearer token', async () => {
    server.handle((_req, res) =>
      reply(res, 200, { token_type: 'Bearer', expires_in: 600, entity_id: userId }),
    );
    const error = await invalid(() =>
      createDsmClient({ baseUrl: server.url }).authenticate({
        email: 'ada@example.com',
        password: 'pw',
      }),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([['access_token']]);
  });

  it('rejects an approval request with an unknown status', async () => {
    server.handle((_req, res) =>
      reply(res, 200, {
        acct_id: 'a',
        approvers: [],
        created_at: 'x',
        expiry: 'y',
        method: 'POST',
        operation: '/x',
        request_id: requestId,
        requester: 'system',
        result_viewed: false,
        status: 'MAYBE',
      }),
    );
    const error = await invalid(() => client.getApprovalRequest(requestId));
    expect(error.issues).toEqual([
      { path: ['status'], message: 'expected "PENDING" or "APPROVED" or "DENIED" or "FAILED"' },
    ]);
  });

  it('ignores fields DSM added later', async () => {
    server.handle((_req, res) => reply(res, 200, { recovery_codes: ['a'], expires_at: 'later' }));
    await expect(client.generateRecoveryCodes()).resolves.toEqual({ recovery_codes: ['a'] });
  });
});

describe('FIDO2 creation options', () => {
  it('accepts the documented nested shape with alg "Es256"', async () => {
    const documented = {
      ...nestedCreationOptions,
      pubKeyCredParams: [{ type: 'public-key', alg: 'Es256' }],
    };
    server.handle((_req, res) => reply(res, 200, documented));
    await expect(client.mfaNewChallenge()).resolves.toEqual(documented);
  });

  it("accepts WebAuthn's flat shape with alg -7", async () => {
    const flat = {
      ...nestedCreationOptions,
      rp: { id: 'dsm.example', name: 'Fortanix DSM' },
      user: { id: 'dXNlci1pZA', name: 'ada@example.com', displayName: 'Ada' },
    };
    server.handle((_req, res) => reply(res, 200, flat));
    await expect(client.mfaNewChallenge()).resolves.toEqual(flat);
  });

  it('rejects an algorithm other than ES256', async () => {
    server.handle((_req, res) =>
      reply(res, 200, {
        ...nestedCreationOptions,
        pubKeyCredParams: [{ type: 'public-key', alg: -257 }],
      }),
    );
    const error = await invalid(() => client.mfaNewChallenge());
    expect(error.issues[0]?.path).toEqual(['pubKeyCredParams', 0, 'alg']);
  });
});
