import { DsmError } from './DsmError.js';

/**
 * Thrown by `createDsmClient` (and `withToken`) when `baseUrl` cannot be used safely:
 * - `reason: 'insecure'`: not https, and the host is not loopback (127.0.0.0/8, ::1,
 *   localhost), so passwords and tokens would cross the network in clear text;
 * - `reason: 'invalid'`: not a URL at all, not http(s), or carrying credentials, a query or
 *   a fragment.
 * The message shows at most the scheme and host, never credentials embedded in the URL.
 */
export class InsecureBaseUrlError extends DsmError {
  override readonly name: string = 'InsecureBaseUrlError';
  declare readonly code: 'INSECURE_BASE_URL';
  readonly reason: 'insecure' | 'invalid';

  constructor(reason: 'insecure' | 'invalid', message: string) {
    super('INSECURE_BASE_URL', message);
    this.reason = reason;
  }
}

/**
 * Thrown, before any request is sent, when an operation that needs a session runs on a client
 * created without `token` or `apiKey` (or whose token `Secret` was cleared). Pass the token
 * from `authenticate` to `createDsmClient`, or use `client.withToken(token)`.
 */
export class DsmMissingCredentialsError extends DsmError {
  override readonly name: string = 'DsmMissingCredentialsError';
  declare readonly code: 'MISSING_CREDENTIALS';
  readonly operationId: string;

  constructor(operationId: string, detail = 'this client has no bearer token and no API key') {
    super(
      'MISSING_CREDENTIALS',
      `${operationId} needs a session, but ${detail}. Pass the token from authenticate() to ` +
        'createDsmClient({ token }), or call client.withToken(token).',
    );
    this.operationId = operationId;
  }
}

/**
 * Thrown by `createDsmClient` for an option it cannot use: a `timeoutMs` that is not a finite
 * number of milliseconds above 0 (and at most 2 147 483 647), a `retry` that is not `false`, a
 * count or `{ limit, backoffMs, maxBackoffMs }` of non-negative finite numbers, a `fetch` that
 * is not a function, a `token` or `apiKey` that is not a non-empty string (or `Secret` of
 * one). `option` names the option; the message never repeats its value.
 */
export class DsmOptionsError extends DsmError {
  override readonly name: string = 'DsmOptionsError';
  declare readonly code: 'INVALID_OPTIONS';
  readonly option: string;

  constructor(option: string, expected: string) {
    super('INVALID_OPTIONS', `createDsmClient's ${option} must be ${expected}.`);
    this.option = option;
  }
}
