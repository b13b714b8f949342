import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDsmClient,
  type DsmClient,
  DsmForbiddenError,
  type DsmHttpError,
  DsmUnauthorizedError,
  isDsmError,
  Secret,
} from '../../src/client/index.js';
import {
  createSoftAuthenticator,
  DEMO_APP,
  type RunningEmulator,
  type SoftAuthenticator,
  startEmulator,
} from '../../src/emulator/index.js';

const email = 'ada@example.com';
const password = 'correct horse battery staple';

let emulator: RunningEmulator;
let authenticator: SoftAuthenticator;

beforeEach(async () => {
  emulator = await startEmulator({ users: [{ email, password }] });
  authenticator = createSoftAuthenticator();
});
afterEach(() => emulator.close());

/** Signs in and returns a client carrying the session, with its token for the emulator's controls. */
async function signIn(): Promise<{ client: DsmClient; token: string; userId: string }> {
  const anonymous = createDsmClient({ baseUrl: emulator.url });
  const auth = await anonymous.authenticate({ email, password: new Secret(password) });
  expect(auth.secondFactor).toBeUndefined();
  return {
    client: anonymous.withToken(auth.accessToken),
    token: auth.accessToken.reveal(),
    userId: auth.entityId,
  };
}

/** Signs in, unlocks, registers a key with the soft authenticator, and locks again. */
async function withRegisteredKey() {
  const session = await signIn();
  await session.client.config2faAuth({ password });
  const options = await session.client.mfaNewChallenge();
  const attestationResult = await authenticator.createCredential(options);
  const user = await session.client.updateUser(session.userId, {
    add_mfa_devices: [{ name: 'Soft key', attestationResult }],
  });
  await session.client.config2faTerminate();
  return { ...session, user };
}

describe('against the emulator, over loopback', () => {
  it('authenticates with a password and reads the user', async () => {
    const { client, userId } = await signIn();
    const user = await client.getUser(userId);
    expect(user).toMatchObject({ user_id: userId, user_email: email, mfa_devices: [] });
  });

  it('authenticates with an API key', async () => {
    const auth = await createDsmClient({ baseUrl: emulator.url }).authenticate({
      apiKey: DEMO_APP.apiKey,
    });
    expect(auth.entityId).toBe(DEMO_APP.appId);
    expect(auth.accessToken.reveal()).not.toBe('');
  });

  it('refuses a wrong sign-in password with 401', async () => {
    const error = await createDsmClient({ baseUrl: emulator.url })
      .authenticate({ email, password: 'wrong password' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DsmUnauthorizedError);
  });

  it('unlocks and locks the 2FA configuration, as the server sees it', async () => {
    const { client, token } = await signIn();
    expect(emulator.lockState(token).unlocked).toBe(false);
    await client.config2faAuth({ password: new Secret(password) });
    expect(emulator.lockState(token).unlocked).toBe(true);
    await client.config2faTerminate();
    expect(emulator.lockState(token).unlocked).toBe(false);
    await client.config2faTerminate();
  });

  it('tells a wrong unlock password (session alive) from an expired session with refresh', async () => {
    const { client, token } = await signIn();
    const refused = await client.config2faAuth({ password: 'not it' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((refused as DsmHttpError).untrustedServerText()).toBe('Invalid password.');
    await expect(client.refresh()).resolves.toBeUndefined();
    emulator.expireSession(token);
    const expired = await client.refresh().catch((e: unknown) => e);
    expect(expired).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((expired as DsmHttpError).untrustedServerText()).toBe('Session expired or invalid.');
  });

  it('rate-limits wrong unlock passwords with 429 and Retry-After', async () => {
    const { client } = await signIn();
    const codes: string[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const error = await client
        .config2faAuth({ password: `wrong ${attempt}` })
        .catch((e: unknown) => e);
      codes.push((error as { code: string }).code);
    }
    expect(codes).toEqual([...Array(5).fill('UNAUTHORIZED'), 'RATE_LIMITED']);
    const error = await client.config2faAuth({ password }).catch((e: unknown) => e);
    expect(isDsmError(error, 'RATE_LIMITED') && error.retryAfterMs).toBeGreaterThan(0);
    expect((error as DsmHttpError).untrustedServerText()).toContain(
      'Too many failed password attempts.',
    );
    expect((error as Error).message).toContain('too many attempts');
  });

  it('refuses recovery codes while locked (403 configLocked) and issues them while unlocked', async () => {
    const { client } = await signIn();
    const error = await client.generateRecoveryCodes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DsmForbiddenError);
    expect(error).toMatchObject({ reason: 'configLocked' });
    await client.config2faAuth({ password });
    const { recovery_codes } = await client.generateRecoveryCodes();
    expect(recovery_codes).toHaveLength(10);
  });

  it('locks by itself ten minutes after the unlock, by the emulator clock', async () => {
    const { client } = await signIn();
    await client.config2faAuth({ password });
    emulator.advanceClock(599_000);
    await expect(client.generateRecoveryCodes()).resolves.toBeDefined();
    emulator.advanceClock(1_000);
    await expect(client.generateRecoveryCodes()).rejects.toMatchObject({ reason: 'configLocked' });
  });

  it('registers, renames and deletes a FIDO2 key', async () => {
    const { client, userId, user } = await withRegisteredKey();
    expect(user.mfa_devices).toEqual([
      expect.objectContaining({ name: 'Soft key', type: 'Fido2' }),
    ]);
    await client.config2faAuth({ password });
    const renamed = await client.updateUser(userId, {
      rename_mfa_devices: [{ old_name: 'Soft key', new_name: 'Desk key' }],
    });
    expect(renamed.mfa_devices.map((d) => d.name)).toEqual(['Desk key']);
    const emptied = await client.updateUser(userId, { del_mfa_devices: [{ name: 'Desk key' }] });
    expect(emptied.mfa_devices).toEqual([]);
  });

  it('refuses a device change while locked', async () => {
    const { client, userId } = await signIn();
    await expect(
      client.updateUser(userId, { del_mfa_devices: [{ name: 'none' }] }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'configLocked' });
  });

  it('creates, reads and denies an approval request', async () => {
    const { client } = await signIn();
    const created = await client.createApprovalRequest({
      operation: '/crypto/v1/keys',
      method: 'POST',
      description: 'Create a key',
      body: { name: 'k1' },
    });
    expect(created.status).toBe('PENDING');
    const read = await client.getApprovalRequest(created.request_id);
    expect(read.request_id).toBe(created.request_id);
    const denied = await client.denyRequest(created.request_id, { reason: 'not today' });
    expect(denied).toMatchObject({ status: 'DENIED', denial_reason: 'not today' });
    await expect(client.denyRequest(created.request_id)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('approves with the key, and refuses the key while the configuration is unlocked', async () => {
    const { client } = await withRegisteredKey();
    const { request_id } = await client.createApprovalRequest({
      operation: '/crypto/v1/keys',
      method: 'POST',
    });
    await client.config2faAuth({ password });
    await expect(client.mfaChallenge(request_id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      reason: 'configUnlocked',
    });
    await client.config2faTerminate();
    const options = await client.mfaChallenge(request_id);
    const assertion = await authenticator.getAssertion(options);
    const approved = await client.approveRequest(request_id, { fido2_auth_request: assertion });
    expect(approved.status).toBe('APPROVED');
  });

  it('signs in with the second factor: FIDO2, then a recovery code once', async () => {
    const { client } = await withRegisteredKey();
    await client.config2faAuth({ password });
    const { recovery_codes } = await client.generateRecoveryCodes();
    await client.config2faTerminate();
    const anonymous = createDsmClient({ baseUrl: emulator.url });

    const first = await anonymous.authenticate({ email, password });
    expect(first.secondFactor?.fido2AssertionOptions?.challenge).toEqual(expect.any(String));
    expect(first.secondFactor?.allowedMfaMethods.length).toBeGreaterThan(0);
    const pending = anonymous.withToken(first.accessToken);
    await expect(pending.getUser(first.entityId)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      reason: 'secondFactorRequired',
    });
    const assertion = await authenticator.getAssertion(first.secondFactor!.fido2AssertionOptions!);
    await pending.completeFido2Auth(assertion);
    await expect(pending.getUser(first.entityId)).resolves.toMatchObject({ user_email: email });

    const code = new Secret(recovery_codes[0] ?? '');
    const second = await anonymous.authenticate({ email, password });
    await anonymous.withToken(second.accessToken).recoveryCodeAuth({ recoveryCode: code });
    const third = await anonymous.authenticate({ email, password });
    const reused = await anonymous
      .withToken(third.accessToken)
      .recoveryCodeAuth({ recoveryCode: code })
      .catch((e: unknown) => e);
    expect(reused).toMatchObject({ code: 'BAD_REQUEST', operationId: 'RecoveryCodeAuth' });
    expect(JSON.stringify(reused)).not.toContain(code.reveal());
  });

  it('refreshes, then terminates the session', async () => {
    const { client, token } = await signIn();
    await client.refresh();
    await client.terminate();
    expect(emulator.lockState(token).sessionAlive).toBe(false);
    await expect(client.getUser('0b8d2f4e-6f1a-4c3b-9a57-5d2e8c1f7a10')).rejects.toBeInstanceOf(
      DsmUnauthorizedError,
    );
  });
});

describe('against the emulator, with faults', () => {
  it('retries GetUser through a 503 and a dropped connection', async () => {
    const { token, userId } = await signIn();
    const retrying = createDsmClient({
      baseUrl: emulator.url,
      token,
      retry: { limit: 2, backoffMs: 1 },
    });
    emulator.injectFault({ kind: 'status', status: 503, match: { operationId: 'GetUser' } });
    emulator.injectFault({ kind: 'drop', match: { operationId: 'GetUser' } });
    await expect(retrying.getUser(userId)).resolves.toMatchObject({ user_id: userId });
    expect(
      emulator.requests.filter((r) => r.operationId === 'GetUser').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('does not retry Config2faAuth through a 503', async () => {
    const { token } = await signIn();
    const client = createDsmClient({
      baseUrl: emulator.url,
      token,
      retry: { limit: 5, backoffMs: 1 },
    });
    emulator.injectFault({ kind: 'status', status: 503, match: { operationId: 'Config2faAuth' } });
    await expect(client.config2faAuth({ password })).rejects.toMatchObject({
      code: 'HTTP_ERROR',
      status: 503,
    });
    expect(emulator.requests.filter((r) => r.operationId === 'Config2faAuth')).toHaveLength(1);
  });

  it('reports a malformed body and a wrong content type as INVALID_RESPONSE', async () => {
    const { client, userId } = await signIn();
    emulator.injectFault({ kind: 'malformed', match: { operationId: 'GetUser' } });
    await expect(client.getUser(userId)).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
    emulator.injectFault({ kind: 'wrongContentType', match: { operationId: 'GetUser' } });
    await expect(client.getUser(userId)).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });

  it('aborts a hanging request at once', async () => {
    const { token } = await signIn();
    const client = createDsmClient({ baseUrl: emulator.url, token });
    emulator.injectFault({ kind: 'hang', match: { operationId: 'Config2faAuth' } });
    const controller = new AbortController();
    const result = client.config2faAuth({ password }, { signal: controller.signal });
    controller.abort();
    await expect(result).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it("works through the emulator's in-process fetch", async () => {
    const client = createDsmClient({ baseUrl: emulator.url, fetch: emulator.fetch });
    const auth = await client.authenticate({ email, password });
    await client.withToken(auth.accessToken).refresh();
  });
});
