import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  createDsmClient,
  DsmOptionsError,
  InsecureBaseUrlError,
  isDsmError,
} from '../../src/client/index.js';

describe('baseUrl', () => {
  it.each([
    'https://amer.smartkey.io',
    'https://dsm.example:8443/api/',
    'http://127.0.0.1:4000',
    'http://127.1.2.3',
    'http://localhost:8080',
    'http://LOCALHOST',
    'http://[::1]:9000',
    'http://[0:0:0:0:0:0:0:1]',
    new URL('http://127.0.0.1:1'),
  ])('accepts %s', (baseUrl) => {
    expect(() => createDsmClient({ baseUrl })).not.toThrow();
  });

  it.each([
    'http://amer.smartkey.io',
    'http://10.0.0.5',
    'http://128.0.0.1',
    'http://localhost.evil.example',
    'http://127.0.0.1.nip.io',
    'http://[::2]',
  ])('refuses plain http to a remote host: %s', (baseUrl) => {
    const error = catchError(() => createDsmClient({ baseUrl }));
    expect(error).toBeInstanceOf(InsecureBaseUrlError);
    expect(error).toMatchObject({ code: 'INSECURE_BASE_URL', reason: 'insecure' });
    expect((error as Error).message).toMatch(/must use https/);
  });

  it.each([
    ['not a url', 'not a valid absolute URL'],
    ['', 'not a valid absolute URL'],
    ['/relative/path', 'not a valid absolute URL'],
    ['ftp://dsm.example', 'must use https'],
    ['file:///etc/passwd', 'must use https'],
    ['https://dsm.example/?x=1', 'query or a fragment'],
    ['https://dsm.example/#frag', 'query or a fragment'],
  ])('refuses an unusable URL: %j', (baseUrl, message) => {
    const error = catchError(() => createDsmClient({ baseUrl }));
    expect(isDsmError(error, 'INSECURE_BASE_URL')).toBe(true);
    expect(error).toMatchObject({ reason: 'invalid' });
    expect((error as Error).message).toContain(message);
  });

  it('refuses credentials in the URL without repeating them', () => {
    const error = catchError(() => createDsmClient({ baseUrl: 'https://ada:hunter2@dsm.example' }));
    expect(error).toBeInstanceOf(InsecureBaseUrlError);
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(inspect(error)).not.toContain('hunter2');
  });

  it('withToken keeps the checked base URL', () => {
    const client = createDsmClient({ baseUrl: 'https://dsm.example/' });
    expect(client.baseUrl).toBe('https://dsm.example');
    expect(client.hasCredentials).toBe(false);
    const session = client.withToken('token');
    expect(session.baseUrl).toBe('https://dsm.example');
    expect(session.hasCredentials).toBe(true);
  });

  it('refuses every bad option with a typed INVALID_OPTIONS error', () => {
    const bad: Array<[string, Record<string, unknown>]> = [
      ['timeoutMs', { timeoutMs: 0 }],
      ['timeoutMs', { timeoutMs: -1 }],
      ['timeoutMs', { timeoutMs: Number.NaN }],
      ['timeoutMs', { timeoutMs: Number.POSITIVE_INFINITY }],
      ['timeoutMs', { timeoutMs: 2 ** 31 }],
      ['timeoutMs', { timeoutMs: '30' }],
      ['retry', { retry: -1 }],
      ['retry', { retry: 1.5 }],
      ['retry', { retry: 'twice' }],
      ['retry.backoffMs', { retry: { backoffMs: -5 } }],
      ['retry.maxBackoffMs', { retry: { maxBackoffMs: Number.NaN } }],
      ['retry.limit', { retry: { limit: 2.5 } }],
      ['fetch', { fetch: 'fetch' }],
      ['keepalive', { keepalive: 'yes' }],
      ['token', { token: '' }],
      ['apiKey', { apiKey: 42 }],
    ];
    for (const [option, extra] of bad) {
      const error = catchError(() =>
        createDsmClient({ baseUrl: 'https://dsm.example', ...extra } as never),
      );
      expect(error).toBeInstanceOf(DsmOptionsError);
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS', option });
    }
    expect(catchError(() => createDsmClient(undefined as never))).toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
