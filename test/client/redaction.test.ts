import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  createDsmClient,
  DsmError,
  type DsmHttpError,
  type DsmResponseValidationError,
} from '../../src/client/index.js';
import { describeIssue, toValidationIssues } from '../../src/client/utils/issues.js';
import { userId } from '../support/clientFixtures.js';
import {
  type ClientTestServer,
  reply,
  startClientTestServer,
} from '../support/clientTestServer.js';

const password = 'Tr0ub4dor&3-horse';
const token = 'eyJhbGciOiJIUzI1NiJ9.session-token-value';
const apiKey = 'YXBwLWlkOmFwcC1zZWNyZXQtdmFsdWU=';
const recoveryCode = 'rc-7f3a-9b2c-41de';

let server: ClientTestServer;
beforeEach(async () => {
  server = await startClientTestServer();
});
afterEach(() => server.close());

/** Every way an error can be shown: message, JSON, inspect, String, stack, cause. */
function everyForm(error: unknown): string {
  const e = error as DsmError;
  return [
    e.message,
    JSON.stringify(e),
    JSON.stringify(e.toJSON()),
    inspect(e, { depth: 10 }),
    String(e),
    e.stack ?? '',
    inspect(e.cause, { depth: 10 }),
  ].join('\n');
}

/**
 * A server that quotes everything it was sent back in its error text: the Authorization
 * header, the Basic credentials decoded, the body, and each body value URL-encoded.
 */
function echo(status: number, headers: Record<string, string> = {}) {
  server.handle((req, res) => {
    const basic = (req.headers.authorization ?? '').replace(/^Basic /, '');
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const values = req.body ? Object.values(JSON.parse(req.body) as Record<string, unknown>) : [];
    const encoded = values.map((value) => encodeURIComponent(String(value))).join(',');
    reply(
      res,
      status,
      `Refused. Authorization=${req.headers.authorization} decoded=${decoded} body=${req.body} ` +
        `encoded=${encoded}`,
      headers,
    );
  });
}

async function rejection(run: () => Promise<unknown>): Promise<DsmError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DsmError);
  return error as DsmError;
}

/** Every way an encoding can echo a secret back; a scrubber misses each, the rule does not. */
function echoes(secret: string): string[] {
  const b64 = Buffer.from(secret).toString('base64');
  return [
    secret,
    // Python's json.dumps and Go's encoding/json escapes
    JSON.stringify(secret).replace(
      /[^\x20-\x7e]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
    JSON.stringify(secret).replace(
      /[&<>]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
    new URLSearchParams({ v: secret }).toString().slice(2),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    b64,
    b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    `${' '.repeat(16_384 - (secret.length - 1))}${secret}`,
  ];
}

describe('DSM text never becomes library text', () => {
  const secrets = [password, token, apiKey, recoveryCode, 'über & <pass> word'];

  it.each([400, 401, 403, 429, 500, 418])(
    'the %i error reads the same whatever DSM wrote',
    async (status) => {
      const client = createDsmClient({ baseUrl: server.url, token, retry: false });
      server.handle((_req, res) => reply(res, status, '', { 'retry-after': '1' }));
      const baseline = await rejection(() => client.generateRecoveryCodes());
      for (const secret of secrets) {
        for (const body of echoes(secret)) {
          server.handle((_req, res) => reply(res, status, body, { 'retry-after': '1' }));
          const error = await rejection(() => client.generateRecoveryCodes());
          expect(error.message).toBe(baseline.message);
          expect(JSON.stringify(error)).toBe(JSON.stringify(baseline));
          const shown = everyForm(error);
          for (const form of echoes(secret)) expect(shown).not.toContain(form.trim());
          // The app can still read DSM's words, on purpose.
          const kept = new TextDecoder().decode(Buffer.from(body).subarray(0, 16 * 1024));
          expect((error as DsmHttpError).untrustedServerText()).toBe(kept);
        }
      }
    },
  );

  it.each([400, 401, 429, 500])(
    'a %i that quotes back everything the request carried shows none of it',
    async (status) => {
      echo(status, { 'retry-after': '1' });
      const client = createDsmClient({ baseUrl: server.url, token, retry: false });
      const errors = [
        await rejection(() => client.config2faAuth({ password })),
        await rejection(() =>
          createDsmClient({ baseUrl: server.url }).authenticate({
            email: 'ada@example.com',
            password,
          }),
        ),
        await rejection(() => createDsmClient({ baseUrl: server.url }).authenticate({ apiKey })),
        await rejection(() => client.recoveryCodeAuth({ recoveryCode })),
      ];
      for (const error of errors) {
        const shown = everyForm(error);
        for (const secret of [password, token, apiKey, recoveryCode]) {
          for (const form of echoes(secret)) expect(shown).not.toContain(form.trim());
        }
      }
    },
  );

  it('holds for any body, as a property', async () => {
    const client = createDsmClient({ baseUrl: server.url, token, retry: false });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(400, 401, 403, 404, 500),
        fc.string({ minLength: 12, maxLength: 200 }),
        async (status, body) => {
          const marker = `MARK${body}`;
          server.handle((_req, res) => reply(res, status, marker));
          const error = await rejection(() => client.generateRecoveryCodes());
          expect(everyForm(error)).not.toContain(marker);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a schema path names a record key by <key>, never by the key DSM sent', async () => {
    const client = createDsmClient({ baseUrl: server.url, token, retry: false });
    server.handle((_req, res) =>
      reply(res, 200, JSON.stringify({ user_id: userId, groups: { [token]: 'not-a-list' } }), {
        'content-type': 'application/json',
      }),
    );
    const error = await rejection(() => client.getUser(userId));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(everyForm(error)).not.toContain(token);
    expect((error as DsmResponseValidationError).issues).toContainEqual(
      expect.objectContaining({ path: ['groups', '<key>'] }),
    );
  });

  it('unknown keys are counted, not named', () => {
    const strict = z.strictObject({ recovery_codes: z.array(z.string()) });
    const parsed = strict.safeParse(
      { recovery_codes: ['a'], [password]: 1, [token]: 2 },
      { error: describeIssue },
    );
    expect(parsed.success).toBe(false);
    const issues = toValidationIssues(strict, parsed.error!.issues);
    expect(issues).toEqual([{ path: [], message: '2 unknown field(s)' }]);
    expect(JSON.stringify(issues)).not.toContain(password.slice(0, 6));
  });

  it('a content type DSM sent is not quoted', async () => {
    const client = createDsmClient({ baseUrl: server.url, token, retry: false });
    server.handle((_req, res) => reply(res, 200, '{}', { 'content-type': `text/${password}` }));
    const error = await rejection(() => client.generateRecoveryCodes());
    expect(everyForm(error)).not.toContain(password);
  });
});

describe('other errors', () => {
  it('a network error does not carry the request', async () => {
    server.handle((_req, res) => res.socket?.destroy());
    const client = createDsmClient({ baseUrl: server.url, token, retry: false });
    const error = await rejection(() => client.config2faAuth({ password }));
    const shown = everyForm(error);
    expect(shown).not.toContain(password);
    expect(shown).not.toContain(token);
  });

  it('a fetch that throws the secrets back: its message is dropped', async () => {
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      throw new TypeError(
        `failed: ${request.headers.get('authorization')} ${await request.text()}`,
      );
    };
    const client = createDsmClient({ baseUrl: 'https://dsm.example', token, fetch, retry: false });
    const error = await rejection(() => client.config2faAuth({ password }));
    expect(error.code).toBe('NETWORK');
    const shown = everyForm(error);
    expect(shown).not.toContain(password);
    expect(shown).not.toContain(token);
  });

  it('input errors show no value', async () => {
    const client = createDsmClient({ baseUrl: server.url, token });
    const error = await rejection(() =>
      client.updateUser(userId, {
        rename_mfa_devices: [{ old_name: password, new_name: `${password}\nsecond line` }],
      }),
    );
    expect(everyForm(error)).not.toContain(password);
  });

  it('the client object shows no token or API key', () => {
    const client = createDsmClient({ baseUrl: server.url, token, apiKey });
    const shown = inspect(client, { depth: 10, showHidden: true }) + JSON.stringify(client);
    expect(shown).not.toContain(token);
    expect(shown).not.toContain(apiKey);
  });
});
