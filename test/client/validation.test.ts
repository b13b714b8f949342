import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDsmClient,
  type DsmClient,
  DsmMissingCredentialsError,
  DsmRequestValidationError,
  type Fido2AssertionResult,
  Secret,
  type UserUpdate2fa,
} from '../../src/client/index.js';
import { assertion, attestation, requestId, userId } from '../support/clientFixtures.js';
import {
  type ClientTestServer,
  reply,
  startClientTestServer,
} from '../support/clientTestServer.js';

let server: ClientTestServer;
let client: DsmClient;

beforeEach(async () => {
  server = await startClientTestServer();
  server.handle((_req, res) => reply(res, 500, 'No request should have been sent.'));
  client = createDsmClient({ baseUrl: server.url, token: 'session-token-123' });
});
afterEach(() => {
  expect(server.requests).toEqual([]);
  return server.close();
});

async function refused(run: () => Promise<unknown>) {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DsmRequestValidationError);
  return error as DsmRequestValidationError;
}

const device = (name: string) => ({ name, attestationResult: attestation });

describe('bad input is refused before any request', () => {
  it('an empty password', async () => {
    const error = await refused(() => client.config2faAuth({ password: '' }));
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', operationId: 'Config2faAuth' });
    expect(error.issues).toEqual([{ path: ['password'], message: 'must not be empty' }]);
    expect(error.message).toBe(
      'Invalid input for Config2faAuth, nothing was sent: password: must not be empty.',
    );
  });

  it('an empty password in a Secret', async () => {
    await refused(() => client.config2faAuth({ password: new Secret('') }));
  });

  it('a cleared Secret', async () => {
    const secret = new Secret('pw');
    secret.clear();
    const error = await refused(() => client.config2faAuth({ password: secret }));
    expect(error.issues[0]).toEqual({
      path: ['password'],
      message: 'the Secret was already cleared; pass the value again',
    });
  });

  it.each([
    [{ email: '', password: 'pw' }, ['email']],
    [{ email: 'ada@example.com', password: '' }, ['password']],
    [{ email: 'a:b@example.com', password: 'pw' }, ['email']],
    [{ apiKey: '' }, ['apiKey']],
  ])('authenticate with %j', async (input, path) => {
    const error = await refused(() => createDsmClient({ baseUrl: server.url }).authenticate(input));
    expect(error.issues.map((issue) => issue.path)).toEqual([path]);
  });

  it('an input that is not an object at all', async () => {
    // @ts-expect-error: JavaScript callers can pass anything
    await refused(() => client.config2faAuth(undefined));
    // @ts-expect-error: idem
    await refused(() => createDsmClient({ baseUrl: server.url }).authenticate(null));
  });

  it.each([
    ['a line break', { del_mfa_devices: [{ name: 'my\nkey' }] }, ['del_mfa_devices', 0, 'name']],
    ['a blank name', { del_mfa_devices: [{ name: '   ' }] }, ['del_mfa_devices', 0, 'name']],
    [
      'an empty name',
      { rename_mfa_devices: [{ old_name: 'a', new_name: '' }] },
      ['rename_mfa_devices', 0, 'new_name'],
    ],
    [
      'a 4097-character name',
      { add_mfa_devices: [device('x'.repeat(4097))] },
      ['add_mfa_devices', 0, 'name'],
    ],
    ['two devices at once', { add_mfa_devices: [device('a'), device('b')] }, ['add_mfa_devices']],
    [
      'an attestation that is not base64',
      {
        add_mfa_devices: [{ name: 'k', attestationResult: { ...attestation, id: 'not base64!' } }],
      },
      ['add_mfa_devices', 0, 'attestationResult', 'id'],
    ],
  ])('updateUser with %s', async (_name, body, path) => {
    const error = await refused(() => client.updateUser(userId, body as UserUpdate2fa));
    expect(error.issues.map((issue) => issue.path)).toContainEqual(path);
  });

  it('updateUser refuses fields outside its 2FA subset', async () => {
    const error = await refused(() =>
      client.updateUser(userId, { user_password: 'x' } as unknown as UserUpdate2fa),
    );
    expect(error.issues[0]?.message).toBe('unknown field(s): user_password');
  });

  it.each(['', 'not-a-uuid', '../users/other', `${userId}/x`])('an id like %j', async (id) => {
    await refused(() => client.getUser(id));
    await refused(() => client.getApprovalRequest(id));
    await refused(() => client.denyRequest(id));
  });

  it('an assertion without a response', async () => {
    const { response: _, ...incomplete } = assertion;
    await refused(() => client.completeFido2Auth(incomplete as Fido2AssertionResult));
    await refused(() =>
      client.approveRequest(requestId, { fido2_auth_request: incomplete as Fido2AssertionResult }),
    );
  });

  it('an empty recovery code', async () => {
    const error = await refused(() => client.recoveryCodeAuth({ recoveryCode: '' }));
    expect(error.issues[0]?.path).toEqual(['recovery_code']);
  });

  it('an empty approval password', async () => {
    await refused(() => client.approveRequest(requestId, { password: '' }));
  });
});

describe('missing credentials', () => {
  const anonymous = () => createDsmClient({ baseUrl: server.url });

  it.each([
    ['config2faAuth', (c: DsmClient) => c.config2faAuth({ password: 'pw' })],
    ['config2faTerminate', (c: DsmClient) => c.config2faTerminate()],
    ['refresh', (c: DsmClient) => c.refresh()],
    ['terminate', (c: DsmClient) => c.terminate()],
    ['getUser', (c: DsmClient) => c.getUser(userId)],
    ['generateRecoveryCodes', (c: DsmClient) => c.generateRecoveryCodes()],
    ['completeFido2Auth', (c: DsmClient) => c.completeFido2Auth(assertion)],
  ])('%s on a client without token or API key sends nothing', async (_name, run) => {
    const error = await run(anonymous()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DsmMissingCredentialsError);
    expect(error).toMatchObject({ code: 'MISSING_CREDENTIALS' });
    expect((error as Error).message).toContain('withToken');
  });

  it('a cleared token Secret is missing credentials', async () => {
    const token = new Secret('session-token-123');
    const client = createDsmClient({ baseUrl: server.url, token });
    token.clear();
    await expect(client.refresh()).rejects.toMatchObject({
      code: 'MISSING_CREDENTIALS',
      message: expect.stringContaining('token Secret was cleared'),
    });
  });

  it('methods reject rather than throw synchronously', () => {
    const promise = anonymous().refresh();
    expect(promise).toBeInstanceOf(Promise);
    return expect(promise).rejects.toBeInstanceOf(DsmMissingCredentialsError);
  });
});
