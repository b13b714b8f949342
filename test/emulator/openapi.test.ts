/**
 * OpenAPI conformance: every success response the emulator sends is validated with Ajv against
 * the success schema of its operation in DSM's published OpenAPI document (the copy in
 * `openapi/`), so the emulator cannot drift from DSM's shapes.
 *
 * The document is OpenAPI 3.0, generated from DSM's Rust types. Reading it as JSON Schema takes
 * four translations, none of which loosens a check the emulator could fail:
 * - `nullable: true` is OpenAPI's way to add null; Ajv 8 supports it (with `strict: false`), but
 *   refuses it on a schema without `type`. The three `body` fields are such schemas: they admit
 *   any JSON value, null included, so the keyword is dropped there.
 * - `format: byte` is two types, told apart by where it is written. An inline
 *   `type: string, format: byte` is DSM's `Blob` (`challenge_token`): standard base64 with
 *   padding, which DSM's Go client decodes with `base64.StdEncoding`. A `$ref` to
 *   `#/components/schemas/Base64UrlSafe` (WebAuthn's challenge, `user.id`, credential ids) is
 *   base64url, which the Go client decodes with `base64.URLEncoding` (padded); the emulator sends
 *   it padded by default and unpadded with `base64UrlPadding: false`. Each field is checked
 *   strictly with the Go decoder of its type (support/goBase64.ts), in each of the two settings.
 * - `oneOf` stands for Rust untagged enums, where the first variant that fits wins (JSON Schema's
 *   `anyOf`). Where variants overlap, `oneOf` can never pass: `AuthenticatorTransport` ("usb" is
 *   both a known transport and a string) and `Fido2MfaChallengeResponse` (creation options also
 *   satisfy the request options, whose only required field is `challenge`). Those two read as
 *   `anyOf`, and each FIDO2 answer is checked against its exact variant as well.
 *
 * Then the one documented deviation (docs/emulator.md, "Deviations from DSM") is patched in, and
 * nothing else: `pubKeyCredParams[].alg` is -7 (DSM's Go client and WebAuthn) where the document
 * says "Es256". The rp/user `entity` nesting needs no patch: the emulator sends the documented
 * shape.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DsmOperation, dsmOperations, operationIds } from '../../src/client/operations.js';
import {
  createSoftAuthenticator,
  DEMO_APP,
  DEMO_USER,
  DSM_OPERATIONS,
  type DsmRequestOptions,
  type RunningEmulator,
  type SoftAuthenticator,
  startEmulator,
} from '../../src/emulator/index.js';
import {
  addDevice,
  call,
  lock,
  newChallenge,
  type SignedIn,
  signIn,
  unlock,
} from '../support/emulatorHttp.js';
import { goAccepts } from './support/goBase64.js';

type Json = Record<string, unknown>;

interface OpenApiOperation {
  operationId: string;
  parameters?: ({ name: string; in: string } | { $ref: string })[];
  responses: Record<string, { content?: { 'application/json'?: { schema: { $ref: string } } } }>;
}

const doc = JSON.parse(
  readFileSync(new URL('../../openapi/dsm-2fa-openapi.json', import.meta.url), 'utf8'),
) as { paths: Record<string, Record<string, OpenApiOperation>>; components: { schemas: Json } };

/**
 * Operations of the document outside the operation table: app re-authentication, and
 * deprecated U2F sign-in (which the emulator only refuses).
 */
const NOT_IN_TABLE = ['Reauthenticate', 'U2fAuth'];

const SCHEMA_ID = 'https://dsm.example/openapi.json';

function at(root: Json, pointer: string): Json {
  return pointer
    .split('/')
    .slice(1)
    .reduce<Json>((node, key) => {
      const next = node[key];
      if (typeof next !== 'object' || next === null) throw new Error(`${pointer}: no ${key}`);
      return next as Json;
    }, root);
}

/** The two binary types, as Ajv formats. */
const BLOB = 'dsm-blob';
const BASE64_URL_SAFE = 'dsm-base64url-safe';

/**
 * Gives every `format: byte` the format of its type: the `Base64UrlSafe` schema (and so every
 * `$ref` to it) gets BASE64_URL_SAFE, every inline one BLOB. Returns where each was found.
 */
function classifyBinaryFields(schemas: Json): { blobs: string[]; base64UrlSafe: string[] } {
  const found = { blobs: [] as string[], base64UrlSafe: [] as string[] };
  const visit = (node: unknown, pointer: string): void => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, `${pointer}/${i}`);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Json;
    if (schema.$ref === '#/components/schemas/Base64UrlSafe') found.base64UrlSafe.push(pointer);
    if (schema.format === 'byte') {
      const isTheType = pointer === '/Base64UrlSafe';
      schema.format = isTheType ? BASE64_URL_SAFE : BLOB;
      if (!isTheType) found.blobs.push(pointer);
    }
    for (const [key, child] of Object.entries(schema)) visit(child, `${pointer}/${key}`);
  };
  visit(schemas, '');
  return found;
}

/** The schemas as JSON Schema (the readings above), optionally with the documented deviation. */
function schemasFor({ withDeviation }: { withDeviation: boolean }): Json {
  const schemas = structuredClone(doc.components.schemas);
  for (const pointer of [
    '/ApprovalRequest/allOf/0/properties/body',
    '/ApprovalRequestRequest/allOf/0/properties/body',
    '/ApproveRequest/allOf/0/properties/body',
  ]) {
    const schema = at(schemas, pointer);
    expect(schema).toMatchObject({ nullable: true });
    delete schema.nullable;
  }
  for (const name of ['AuthenticatorTransport', 'Fido2MfaChallengeResponse']) {
    const schema = at(schemas, `/${name}`);
    schema.anyOf = schema.oneOf;
    delete schema.oneOf;
  }
  classifyBinaryFields(schemas);
  if (withDeviation) {
    // The documented deviation: alg -7 where the document says "Es256".
    const params = at(schemas, '/PublicKeyCredentialParameters/allOf/0/properties');
    expect(params.alg).toEqual({ $ref: '#/components/schemas/COSEAlgorithmIdentifier' });
    params.alg = {
      anyOf: [{ $ref: '#/components/schemas/COSEAlgorithmIdentifier' }, { const: -7 }],
    };
  }
  return schemas;
}

/** Ajv over the schemas; `padded` is the emulator's `base64UrlPadding`. */
function createAjv(schemas: Json, { padded }: { padded: boolean }): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat(BLOB, { type: 'string', validate: (text) => goAccepts('StdEncoding', text) });
  ajv.addFormat(BASE64_URL_SAFE, {
    type: 'string',
    validate: (text) => goAccepts(padded ? 'URLEncoding' : 'RawURLEncoding', text),
  });
  ajv.addSchema({ $id: SCHEMA_ID, components: { schemas } });
  return ajv;
}

const ajvFor = {
  padded: createAjv(schemasFor({ withDeviation: true }), { padded: true }),
  unpadded: createAjv(schemasFor({ withDeviation: true }), { padded: false }),
};
const strictAjv = createAjv(schemasFor({ withDeviation: false }), { padded: true });

function schemaValidator(instance: Ajv, name: string): ValidateFunction {
  const validate = instance.getSchema(`${SCHEMA_ID}#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate;
}

/** operationId → its success status key ('2XX' or '204') and schema name (if it has a body). */
const successes = new Map<string, { status: string; schema?: string }>();
for (const methods of Object.values(doc.paths)) {
  for (const op of Object.values(methods)) {
    const [status, response] = Object.entries(op.responses)[0] ?? [];
    if (!status || !response) throw new Error(`${op.operationId}: no response`);
    const ref = response.content?.['application/json']?.schema.$ref;
    successes.set(op.operationId, { status, ...(ref && { schema: ref.split('/').pop() }) });
  }
}

/** Every operation of the document: its method and path, by operationId. */
const documented = new Map<string, { method: string; path: string; op: OpenApiOperation }>();
for (const [path, methods] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(methods)) {
    documented.set(op.operationId, { method: method.toUpperCase(), path, op });
  }
}

describe('the operation table, against the document', () => {
  it('has every operation of the document but the two it leaves out', () => {
    const leftOut = [...documented.keys()].filter((id) => !(id in dsmOperations));
    expect(leftOut.sort()).toEqual(NOT_IN_TABLE);
  });

  it.each(operationIds)('%s: method, path, query and 204 as documented', (operationId) => {
    const row: DsmOperation = dsmOperations[operationId];
    const entry = documented.get(operationId);
    expect(entry, `${operationId} is not in the document`).toBeDefined();
    expect({ method: row.method, path: row.path }).toEqual({
      method: entry?.method,
      path: entry?.path,
    });
    const query = (entry?.op.parameters ?? []).some(
      (p) => '$ref' in p && p.$ref === '#/components/parameters/MfaChallengeParams',
    );
    expect(row.query !== undefined, 'sends the protocol query').toBe(query);
    expect(row.response === null, 'a 204 without a body').toBe(
      successes.get(operationId)?.status === '204',
    );
  });

  it("serves the table's routes and U2F sign-in in the emulator, as documented", () => {
    const served = DSM_OPERATIONS.map(({ operationId, method, path }) => ({
      operationId,
      method,
      path: path.replace(/:(\w+)/g, '{$1}'),
    }));
    const expected = [...documented]
      .filter(([id]) => id !== 'Reauthenticate')
      .map(([operationId, { method, path }]) => ({ operationId, method, path }));
    const byId = (a: { operationId: string }, b: { operationId: string }) =>
      a.operationId.localeCompare(b.operationId);
    expect(served.sort(byId)).toEqual(expected.sort(byId));
  });
});

describe('binary fields, classified by schema', () => {
  it('finds Blob fields inline and Base64UrlSafe fields by reference', () => {
    const { blobs, base64UrlSafe } = classifyBinaryFields(structuredClone(doc.components.schemas));
    expect(blobs).toContain('/MfaAuthMethodFido2/allOf/0/properties/challenge_token');
    expect(blobs).not.toContain('/PublicKeyCredentialRequestOptions/allOf/0/properties/challenge');
    expect(base64UrlSafe).toEqual(
      expect.arrayContaining([
        '/PublicKeyCredentialCreationOptions/allOf/0/properties/challenge',
        '/PublicKeyCredentialRequestOptions/allOf/0/properties/challenge',
        '/PublicKeyCredentialUserEntity/allOf/0/properties/id',
        '/PublicKeyCredentialDescriptor/allOf/0/properties/id',
      ]),
    );
    expect(blobs.filter((pointer) => base64UrlSafe.includes(pointer))).toEqual([]);
  });

  it('would catch the old challenge_token (unpadded base64url) and a Base64UrlSafe field in the other form', () => {
    const method = (challengeToken: string, challenge: string) => ({
      challenge: { challenge },
      challenge_token: challengeToken,
      mfa_devices: [],
    });
    const padded = schemaValidator(ajvFor.padded, 'MfaAuthMethodFido2');
    const unpadded = schemaValidator(ajvFor.unpadded, 'MfaAuthMethodFido2');
    const bytes = Buffer.from('0123456789abcdef0123456789abcd>>>?');
    const std = bytes.toString('base64');
    const url = bytes.toString('base64url');
    const urlPadded = url.padEnd(Math.ceil(url.length / 4) * 4, '=');
    expect(std).toMatch(/[+/].*=$/);
    expect(padded(method(std, urlPadded))).toBe(true);
    expect(unpadded(method(std, url))).toBe(true);
    // The emulator's old challenge_token: what DSM's Go client refuses.
    expect(padded(method(url, urlPadded))).toBe(false);
    expect(padded(method(urlPadded, urlPadded))).toBe(false);
    expect(padded(method(std.replace(/=+$/, ''), urlPadded))).toBe(false);
    // A Base64UrlSafe field in the form the setting does not send, or in the wrong alphabet.
    expect(padded(method(std, url))).toBe(false);
    expect(unpadded(method(std, urlPadded))).toBe(false);
    expect(padded(method(std, std))).toBe(false);
  });
});

describe.each([
  { padded: true, form: 'padded (the default)' },
  { padded: false, form: 'unpadded (base64UrlPadding: false)' },
])('OpenAPI conformance of every emulated operation, Base64UrlSafe $form', ({ padded }) => {
  const ajv = padded ? ajvFor.padded : ajvFor.unpadded;
  const checked = new Set<string>();
  let em: RunningEmulator;
  let authenticator: SoftAuthenticator;
  let session: SignedIn;

  beforeAll(async () => {
    em = await startEmulator({ base64UrlPadding: padded });
    authenticator = createSoftAuthenticator({ origin: 'http://localhost:5173' });
  });

  afterAll(async () => {
    await em?.close();
  });

  /** Asserts that a response is the documented success of `operationId`, and returns its body. */
  async function conforms(
    operationId: string,
    res: Response,
    variant?: string,
  ): Promise<Json | undefined> {
    const success = successes.get(operationId);
    if (!success) throw new Error(`${operationId} is not in the document`);
    const text = await res.text();
    if (success.status === '204') {
      expect(res.status, `${operationId}: ${text}`).toBe(204);
      expect(text).toBe('');
    } else {
      expect(res.status, `${operationId}: ${text}`).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
    }
    checked.add(operationId);
    if (!success.schema) return undefined;
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = JSON.parse(text) as Json;
    for (const name of [success.schema, ...(variant ? [variant] : [])]) {
      const validate = schemaValidator(ajv, name);
      expect(validate(body), `${operationId} vs ${name}: ${ajv.errorsText(validate.errors)}`).toBe(
        true,
      );
    }
    return body;
  }

  it('Authenticate (user without devices, app API key)', async () => {
    const user = await call(em.url, 'POST', '/sys/v1/session/auth', {
      basic: Buffer.from(`${DEMO_USER.email}:${DEMO_USER.password}`).toString('base64'),
    });
    const body = await conforms('Authenticate', user);
    session = {
      token: String(body?.access_token),
      userId: String(body?.entity_id),
      body: body ?? {},
    };
    await conforms(
      'Authenticate',
      await call(em.url, 'POST', '/sys/v1/session/auth', { basic: DEMO_APP.apiKey }),
    );
  });

  it('Config2faAuth, MfaNewChallenge, UpdateUser, GenerateRecoveryCodes, Config2faTerminate', async () => {
    await conforms('Config2faAuth', await unlock(em, session.token));
    const creation = await conforms(
      'MfaNewChallenge',
      await call(em.url, 'POST', '/sys/v1/session/config_2fa/new_challenge?protocol=fido2', {
        token: session.token,
      }),
      'PublicKeyCredentialCreationOptions',
    );
    const attestationResult = await authenticator.createCredential(creation as never);
    await conforms(
      'UpdateUser',
      await addDevice(em, session.token, session.userId, { name: 'key', attestationResult }),
    );
    await conforms(
      'UpdateUser',
      await call(em.url, 'PATCH', `/sys/v1/users/${session.userId}`, {
        token: session.token,
        body: {
          rename_mfa_devices: [{ old_name: 'key', new_name: 'YubiKey 5' }],
          first_name: 'Dee',
        },
      }),
    );
    // A second challenge, now excluding the registered credential (transports included).
    await conforms(
      'MfaNewChallenge',
      await call(em.url, 'POST', '/sys/v1/session/config_2fa/new_challenge?protocol=fido2', {
        token: session.token,
      }),
      'PublicKeyCredentialCreationOptions',
    );
    await conforms(
      'GenerateRecoveryCodes',
      await call(em.url, 'POST', '/sys/v1/users/generate_recovery_codes', { token: session.token }),
    );
    await conforms('Config2faTerminate', await lock(em, session.token));
    await conforms('Config2faTerminate', await lock(em, session.token));
  });

  it('GetUser', async () => {
    await conforms(
      'GetUser',
      await call(em.url, 'GET', `/sys/v1/users/${session.userId}`, { token: session.token }),
    );
  });

  it('Authenticate with a second factor, CompleteFido2Auth, RecoveryCodeAuth', async () => {
    const pending = await call(em.url, 'POST', '/sys/v1/session/auth', {
      basic: Buffer.from(`${DEMO_USER.email}:${DEMO_USER.password}`).toString('base64'),
    });
    const body = await conforms('Authenticate', pending);
    expect(body?.fido2_assertion_options).toBeDefined();
    expect(body?.allowed_mfa_methods).toHaveLength(1);
    const assertion = await authenticator.getAssertion(
      body?.fido2_assertion_options as DsmRequestOptions,
    );
    await conforms(
      'CompleteFido2Auth',
      await call(em.url, 'POST', '/sys/v1/session/auth/2fa/fido2', {
        token: String(body?.access_token),
        body: assertion,
      }),
    );
    const [code] = em.user(DEMO_USER.email)?.unusedRecoveryCodes ?? [];
    const other = await signIn(em);
    await conforms(
      'RecoveryCodeAuth',
      await call(em.url, 'POST', '/sys/v1/session/auth/2fa/recovery_code', {
        token: other.token,
        body: { recovery_code: code },
      }),
    );
  });

  it('CreateApprovalRequest, GetApprovalRequest, MfaChallenge, ApproveRequest, DenyRequest', async () => {
    const created = await conforms(
      'CreateApprovalRequest',
      await call(em.url, 'POST', '/sys/v1/approval_requests', {
        token: session.token,
        body: {
          operation: '/crypto/v1/keys/export',
          method: 'POST',
          description: 'export',
          body: { key: 1 },
        },
      }),
    );
    const id = String(created?.request_id);
    await conforms(
      'GetApprovalRequest',
      await call(em.url, 'GET', `/sys/v1/approval_requests/${id}`, { token: session.token }),
    );
    const options = await conforms(
      'MfaChallenge',
      await call(em.url, 'POST', `/sys/v1/approval_requests/${id}/challenge?protocol=fido2`, {
        token: session.token,
      }),
      'PublicKeyCredentialRequestOptions',
    );
    const assertion = await authenticator.getAssertion(options as unknown as DsmRequestOptions);
    await conforms(
      'ApproveRequest',
      await call(em.url, 'POST', `/sys/v1/approval_requests/${id}/approve`, {
        token: session.token,
        body: { fido2_auth_request: assertion },
      }),
    );
    const toDeny = em.createApprovalRequest({ reviewerEmail: DEMO_USER.email });
    await conforms(
      'DenyRequest',
      await call(em.url, 'POST', `/sys/v1/approval_requests/${toDeny}/deny`, {
        token: session.token,
        body: { reason: 'no' },
      }),
    );
    await conforms(
      'GetApprovalRequest',
      await call(em.url, 'GET', `/sys/v1/approval_requests/${toDeny}`, { token: session.token }),
    );
  });

  it('Refresh and Terminate', async () => {
    await conforms(
      'Refresh',
      await call(em.url, 'POST', '/sys/v1/session/refresh', { token: session.token }),
    );
    await conforms(
      'Terminate',
      await call(em.url, 'POST', '/sys/v1/session/terminate', { token: session.token }),
    );
  });

  it('covered every operation of the table', () => {
    expect([...checked].sort()).toEqual([...operationIds].sort());
  });
});

describe('the documented deviation, and only it', () => {
  let em: RunningEmulator;

  beforeAll(async () => {
    em = await startEmulator();
  });

  afterAll(async () => {
    await em?.close();
  });

  it('fails the unpatched document exactly at pubKeyCredParams[].alg', async () => {
    const session = await signIn(em);
    await unlock(em, session.token);
    const options = await newChallenge(em, session.token);
    await lock(em, session.token);
    const validate = schemaValidator(strictAjv, 'PublicKeyCredentialCreationOptions');
    expect(validate(options)).toBe(false);
    const paths = new Set((validate.errors ?? []).map((e) => e.instancePath));
    expect([...paths]).toEqual(['/pubKeyCredParams/0/alg']);
    expect(schemaValidator(ajvFor.padded, 'PublicKeyCredentialCreationOptions')(options)).toBe(
      true,
    );
  });

  it('would catch a drift (a missing required field, a wrong type, an unpadded challenge)', () => {
    const validateUser = schemaValidator(ajvFor.padded, 'User');
    expect(
      validateUser({
        user_id: DEMO_USER.userId,
        user_email: DEMO_USER.email,
        account_role: [],
        mfa_devices: [],
      }),
    ).toBe(false);
    const validateRequest = schemaValidator(ajvFor.padded, 'PublicKeyCredentialRequestOptions');
    expect(validateRequest({ challenge: 'YWJj' })).toBe(true);
    expect(validateRequest({ challenge: 'YWI' })).toBe(false);
    expect(validateRequest({ challenge: 'YWJj', timeout: '60' })).toBe(false);
  });
});
