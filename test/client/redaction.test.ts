import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDsmClient, DsmError, Secret } from '../../src/client/index.js';
import { redact } from '../../src/client/utils/redact.js';
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

describe('DSM text that echoes the secrets', () => {
  it.each([400, 401, 403, 429, 500])('never reaches the %i error', async (status) => {
    echo(status, { 'retry-after': '1' });
    const client = createDsmClient({ baseUrl: server.url, token, retry: false });
    const errors = [
      await rejection(() => client.config2faAuth({ password })),
      await rejection(() => client.config2faAuth({ password: new Secret(password) })),
      await rejection(() =>
        createDsmClient({ baseUrl: server.url }).authenticate({
          email: 'ada@example.com',
          password,
        }),
      ),
      await rejection(() => createDsmClient({ baseUrl: server.url }).authenticate({ apiKey })),
      await rejection(() =>
        createDsmClient({ baseUrl: server.url, apiKey, retry: false }).refresh(),
      ),
      await rejection(() => client.recoveryCodeAuth({ recoveryCode })),
      await rejection(() =>
        client.approveRequest('8f14e45f-ceea-467f-a0e6-5a1b2c3d4e5f', {
          password: new Secret(password),
        }),
      ),
    ];
    for (const error of errors) {
      const shown = everyForm(error);
      for (const secret of [password, token, apiKey, recoveryCode, encodeURIComponent(password)]) {
        expect(shown).not.toContain(secret);
      }
      expect(shown).not.toContain(Buffer.from(`ada@example.com:${password}`).toString('base64'));
      expect(shown).toContain('[redacted]');
    }
  });

  it('keeps the rest of the text readable', async () => {
    echo(403);
    const client = createDsmClient({ baseUrl: server.url, token, retry: false });
    const error = await rejection(() => client.config2faAuth({ password }));
    expect(error).toMatchObject({
      dsmMessage: expect.stringContaining('Refused. Authorization=Bearer [redacted] decoded='),
    });
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

  it('a fetch that throws the secrets back has them redacted', async () => {
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

describe('redact', () => {
  it('replaces a long secret everywhere, even inside words', () => {
    expect(redact('xx-longsecret-yy zzlongsecretyy', ['longsecret'])).toBe(
      'xx-[redacted]-yy zz[redacted]yy',
    );
  });

  it('replaces a short secret only where it stands alone', () => {
    expect(redact("Too many attempts; bad password 'pw'; pwned", ['pw'])).toBe(
      "Too many attempts; bad password '[redacted]'; pwned",
    );
    expect(redact('a t b', ['t'])).toBe('a [redacted] b');
  });

  it('treats regular-expression characters literally', () => {
    expect(redact('a.b*c? and a.b*c', ['a.b*c'])).toBe('[redacted]? and [redacted]');
  });

  it('replaces URL-encoded, JSON-escaped and base64 forms', () => {
    const secret = 'p@ss "word"/é';
    const text = [
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
      Buffer.from(secret).toString('base64'),
    ].join(' ');
    expect(redact(text, [secret])).toBe('[redacted] [redacted] [redacted]');
  });

  it('ignores empty secrets', () => {
    expect(redact('unchanged', [''])).toBe('unchanged');
  });
});
