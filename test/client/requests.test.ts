import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDsmClient, type DsmClient, Secret } from '../../src/client/index.js';
import {
  approvalRequest,
  assertion,
  attestation,
  nestedCreationOptions,
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
let client: DsmClient;

beforeEach(async () => {
  server = await startClientTestServer();
  client = createDsmClient({ baseUrl: server.url, token: 'session-token-123' });
});
afterEach(() => server.close());

const authResponse = {
  token_type: 'Bearer',
  expires_in: 600,
  access_token: 'fresh-token-xyz',
  entity_id: userId,
};

describe('authenticate', () => {
  it('sends Basic base64(email:password) and no body, and wraps the token', async () => {
    server.handle((_req, res) => reply(res, 200, authResponse));
    const result = await createDsmClient({ baseUrl: server.url }).authenticate({
      email: 'ada@example.com',
      password: 'correct horse',
    });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/sys/v1/session/auth', body: '' });
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from('ada@example.com:correct horse').toString('base64')}`,
    );
    expect(request?.headers.accept).toBe('application/json');
    expect(result.accessToken).toBeInstanceOf(Secret);
    expect(result.accessToken.reveal()).toBe('fresh-token-xyz');
    expect(result).toMatchObject({ entityId: userId, expiresIn: 600, tokenType: 'Bearer' });
    expect(result.secondFactor).toBeUndefined();
    expect(JSON.stringify(result)).not.toContain('fresh-token-xyz');
  });

  it('encodes a non-ASCII password as UTF-8', async () => {
    server.handle((_req, res) => reply(res, 200, authResponse));
    await createDsmClient({ baseUrl: server.url }).authenticate({
      email: 'zoë@example.com',
      password: new Secret('pässwörd✓'),
    });
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('zoë@example.com:pässwörd✓', 'utf8').toString('base64')}`,
    );
  });

  it('sends an API key as Basic <api key>', async () => {
    server.handle((_req, res) => reply(res, 200, authResponse));
    await createDsmClient({ baseUrl: server.url }).authenticate({ apiKey: 'YXBwOmtleQ==' });
    expect(server.requests[0]?.headers.authorization).toBe('Basic YXBwOmtleQ==');
  });

  it('reports a required second factor with the assertion options', async () => {
    const challenge = {
      challenge: 'c2Vjb25kLWZhY3Rvcg',
      allowCredentials: [{ type: 'public-key', id: 'Y3JlZC0x' }],
    };
    server.handle((_req, res) =>
      reply(res, 200, {
        ...authResponse,
        fido2_assertion_options: challenge,
        allowed_mfa_methods: [
          { Fido2: { challenge, challenge_token: 'dG9rZW4', mfa_devices: user.mfa_devices } },
        ],
      }),
    );
    const result = await createDsmClient({ baseUrl: server.url }).authenticate({
      email: 'ada@example.com',
      password: 'pw',
    });
    expect(result.secondFactor?.fido2AssertionOptions).toEqual(challenge);
    expect(result.secondFactor?.allowedMfaMethods).toHaveLength(1);
  });

  it('takes the assertion options from allowed_mfa_methods when DSM sends only those', async () => {
    const challenge = { challenge: 'b25seS1tZXRob2Rz' };
    server.handle((_req, res) =>
      reply(res, 200, {
        ...authResponse,
        allowed_mfa_methods: [{ Fido2: { challenge, challenge_token: 'dA', mfa_devices: [] } }],
      }),
    );
    const result = await createDsmClient({ baseUrl: server.url }).authenticate({
      email: 'ada@example.com',
      password: 'pw',
    });
    expect(result.secondFactor?.fido2AssertionOptions).toEqual(challenge);
  });

  it('treats an empty allowed_mfa_methods list as no second factor', async () => {
    server.handle((_req, res) => reply(res, 200, { ...authResponse, allowed_mfa_methods: null }));
    const result = await createDsmClient({ baseUrl: server.url }).authenticate({
      email: 'ada@example.com',
      password: 'pw',
    });
    expect(result).not.toHaveProperty('secondFactor');
  });
});

describe('session operations', () => {
  it('config2faAuth posts the password as JSON with the bearer token, and accepts {}', async () => {
    server.handle((_req, res) => reply(res, 200, {}));
    await expect(client.config2faAuth({ password: new Secret('pw-1') })).resolves.toBeUndefined();
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/sys/v1/session/config_2fa/auth' });
    expect(request?.headers.authorization).toBe('Bearer session-token-123');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ password: 'pw-1' });
  });

  it('config2faAuth also accepts an empty 204', async () => {
    server.handle((_req, res) => reply(res, 204));
    await expect(client.config2faAuth({ password: 'pw' })).resolves.toBeUndefined();
  });

  it.each([
    ['config2faTerminate', '/sys/v1/session/config_2fa/terminate'],
    ['refresh', '/sys/v1/session/refresh'],
    ['terminate', '/sys/v1/session/terminate'],
  ] as const)('%s posts no body and resolves on 204', async (method, path) => {
    server.handle((_req, res) => reply(res, 204));
    await expect(client[method]()).resolves.toBeUndefined();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: path, body: '' });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer session-token-123');
  });

  it('ignores a body on an operation documented as 204', async () => {
    server.handle((_req, res) => reply(res, 200, '<html>proxy says ok</html>'));
    await expect(client.refresh()).resolves.toBeUndefined();
  });

  it('uses Basic <api key> for session calls on an API-key client', async () => {
    server.handle((_req, res) => reply(res, 204));
    await createDsmClient({ baseUrl: server.url, apiKey: new Secret('a2V5') }).refresh();
    expect(server.requests[0]?.headers.authorization).toBe('Basic a2V5');
  });

  it('prefers the token when a client has both', async () => {
    server.handle((_req, res) => reply(res, 204));
    await createDsmClient({ baseUrl: server.url, apiKey: 'a2V5' }).withToken('tok').refresh();
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok');
  });

  it('completeFido2Auth posts the assertion and resolves on 204', async () => {
    server.handle((_req, res) => reply(res, 204));
    await client.completeFido2Auth(assertion);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/sys/v1/session/auth/2fa/fido2',
    });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual(assertion);
  });

  it('completeFido2Auth drops fields DSM does not document', async () => {
    server.handle((_req, res) => reply(res, 204));
    await client.completeFido2Auth({
      ...assertion,
      rawId: assertion.id,
      clientExtensionResults: {},
    } as typeof assertion);
    expect(Object.keys(JSON.parse(server.requests[0]?.body ?? ''))).toEqual([
      'id',
      'type',
      'response',
    ]);
  });

  it('recoveryCodeAuth posts { recovery_code }', async () => {
    server.handle((_req, res) => reply(res, 204));
    await client.recoveryCodeAuth({ recoveryCode: new Secret('abcd-efgh') });
    expect(server.requests[0]?.url).toBe('/sys/v1/session/auth/2fa/recovery_code');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ recovery_code: 'abcd-efgh' });
  });
});

describe('2FA configuration operations', () => {
  it('mfaNewChallenge asks for fido2 and returns the creation options', async () => {
    server.handle((_req, res) =>
      reply(res, 200, { ...nestedCreationOptions, hints: ['security-key'] }),
    );
    const options = await client.mfaNewChallenge();
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/sys/v1/session/config_2fa/new_challenge?protocol=fido2',
    });
    expect(options).toEqual(nestedCreationOptions);
  });

  it('updateUser PATCHes the 2FA fields', async () => {
    server.handle((_req, res) => reply(res, 200, { ...user, some_future_field: 1 }));
    const body = {
      add_mfa_devices: [{ name: 'Backup key', attestationResult: attestation }],
      del_mfa_devices: [{ name: 'Old key' }],
      rename_mfa_devices: [{ old_name: 'YubiKey', new_name: 'YubiKey 5' }],
    };
    const updated = await client.updateUser(userId, body);
    expect(server.requests[0]).toMatchObject({ method: 'PATCH', url: `/sys/v1/users/${userId}` });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual(body);
    expect(updated).toEqual(user);
  });

  it('updateUser accepts a 4096-character device name with spaces around it', async () => {
    server.handle((_req, res) => reply(res, 200, user));
    const name = ` ${'x'.repeat(4094)} `;
    await client.updateUser(userId, { del_mfa_devices: [{ name }] });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ del_mfa_devices: [{ name }] });
  });

  it('getUser GETs the user', async () => {
    server.handle((_req, res) => reply(res, 200, user));
    await expect(client.getUser(userId)).resolves.toEqual(user);
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      url: `/sys/v1/users/${userId}`,
      body: '',
    });
  });

  it('generateRecoveryCodes returns the codes', async () => {
    server.handle((_req, res) => reply(res, 200, { recovery_codes: ['a1', 'b2'] }));
    await expect(client.generateRecoveryCodes()).resolves.toEqual({ recovery_codes: ['a1', 'b2'] });
    expect(server.requests[0]?.url).toBe('/sys/v1/users/generate_recovery_codes');
  });
});

describe('approval operations', () => {
  it('createApprovalRequest posts the request', async () => {
    server.handle((_req, res) => reply(res, 200, approvalRequest));
    const body = {
      operation: '/crypto/v1/keys',
      method: 'POST',
      body: { name: 'k' },
      description: 'why',
    };
    await expect(client.createApprovalRequest(body)).resolves.toEqual(approvalRequest);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/sys/v1/approval_requests' });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual(body);
  });

  it('getApprovalRequest GETs one request', async () => {
    server.handle((_req, res) => reply(res, 200, approvalRequest));
    await client.getApprovalRequest(requestId);
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      url: `/sys/v1/approval_requests/${requestId}`,
    });
  });

  it('mfaChallenge asks for fido2 and returns the request options', async () => {
    const options = {
      challenge: 'YXBwcm92YWw',
      rpId: null,
      allowCredentials: [{ type: 'public-key', id: 'Y3JlZC0x' }],
    };
    server.handle((_req, res) => reply(res, 200, options));
    await expect(client.mfaChallenge(requestId)).resolves.toEqual(options);
    expect(server.requests[0]?.url).toBe(
      `/sys/v1/approval_requests/${requestId}/challenge?protocol=fido2`,
    );
  });

  it('approveRequest posts a password and a FIDO2 assertion', async () => {
    server.handle((_req, res) => reply(res, 200, { ...approvalRequest, status: 'APPROVED' }));
    const result = await client.approveRequest(requestId, {
      password: new Secret('pw'),
      fido2_auth_request: assertion,
    });
    expect(result.status).toBe('APPROVED');
    expect(server.requests[0]?.url).toBe(`/sys/v1/approval_requests/${requestId}/approve`);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      password: 'pw',
      fido2_auth_request: assertion,
    });
  });

  it('denyRequest posts {} without a reason, and the reason with one', async () => {
    server.handle((_req, res) => reply(res, 200, { ...approvalRequest, status: 'DENIED' }));
    await client.denyRequest(requestId);
    await client.denyRequest(requestId, { reason: 'not today' });
    expect(server.requests.map((r) => r.body)).toEqual(['{}', '{"reason":"not today"}']);
    expect(server.requests[0]?.url).toBe(`/sys/v1/approval_requests/${requestId}/deny`);
  });
});

describe('base URL with a path', () => {
  it('appends operation paths to it', async () => {
    server.handle((_req, res) => reply(res, 204));
    await createDsmClient({ baseUrl: `${server.url}/dsm/`, token: 't' }).refresh();
    expect(server.requests[0]?.url).toBe('/dsm/sys/v1/session/refresh');
  });
});

describe('fetch option', () => {
  it('sends through the given fetch', async () => {
    const seen: string[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      seen.push(`${request.method} ${new URL(request.url).pathname}`);
      return new Response(null, { status: 204 });
    };
    await createDsmClient({ baseUrl: 'https://dsm.example', token: 't', fetch }).terminate();
    expect(seen).toEqual(['POST /sys/v1/session/terminate']);
  });

  it('passes keepalive per call and as a default', async () => {
    const flags: boolean[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      flags.push(new Request(input, init).keepalive);
      return new Response(null, { status: 204 });
    };
    const plain = createDsmClient({ baseUrl: 'https://dsm.example', token: 't', fetch });
    await plain.config2faTerminate();
    await plain.config2faTerminate({ keepalive: true });
    await createDsmClient({
      baseUrl: 'https://dsm.example',
      token: 't',
      fetch,
      keepalive: true,
    }).refresh();
    expect(flags).toEqual([false, true, true]);
  });
});
