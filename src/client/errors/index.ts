import type * as signIn from '../../signIn/errors.js';
import type * as webauthn from '../../webauthn/errors.js';
import type * as workflow from '../../workflow/errors.js';
import type * as secret from '../secret.js';
import type * as client from './index.js';

/**
 * Every `code` an error of this library can carry, one per class (see `DsmErrorByCode`).
 * Stable: apps and the statecharts switch on these strings.
 */
export type DsmErrorCode =
  | DsmHttpErrorCode
  // no usable answer
  | 'NETWORK'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'INVALID_RESPONSE'
  // refused before anything was sent: the client's input and options
  | 'INVALID_REQUEST'
  | 'INSECURE_BASE_URL'
  | 'MISSING_CREDENTIALS'
  | 'INVALID_OPTIONS'
  | 'SECRET_CLEARED'
  | workflow.TwoFactorConfigErrorCode
  | signIn.SignInErrorCode
  | webauthn.SecurityKeyErrorCode;

/** What `DsmError.toJSON()` returns: safe to log. */
export interface DsmErrorJson {
  name: string;
  code: DsmErrorCode;
  message: string;
  status?: number;
  operationId?: string;
  [detail: string]: unknown;
}

/**
 * The base of every error this library throws. Each `code` belongs to one class, to which
 * `isDsmError(error, code)` narrows. No subclass puts a secret or any text from DSM in its
 * message, fields, `toJSON()` or `util.inspect()`: DSM's text stays behind
 * `DsmHttpError.untrustedServerText()`.
 */
export abstract class DsmError extends Error {
  /** The class name, set by each class as a string so that minifiers cannot change it. */
  abstract override readonly name: string;
  readonly code: DsmErrorCode;

  constructor(code: DsmErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Name, code, message and the subclass's defined fields; never `cause` or `stack`. */
  toJSON(): DsmErrorJson {
    const { name, code, ...fields } = this as DsmError & Record<string, unknown>;
    const defined = Object.entries(fields).filter(([, value]) => value !== undefined);
    return { name, code, message: this.message, ...Object.fromEntries(defined) };
  }
}

/** The codes of `DsmHttpError` and its subclasses. */
export type DsmHttpErrorCode =
  | 'HTTP_ERROR'
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'LOCKED'
  | 'RATE_LIMITED';

/** What the client read from DSM's error response. */
export interface DsmHttpErrorInit {
  status: number;
  operationId: string;
  /** DSM's plain-text body (cut at 16 KiB), kept behind `untrustedServerText()`. */
  serverText?: string;
  retryAfterMs?: number | undefined;
}

/** DSM's text per error: a WeakMap entry is no property, so no serializer or inspector sees it. */
const serverTexts = new WeakMap<DsmHttpError, string>();

/** The library's own sentence for a status, never the server's. */
function sentenceFor(status: number): string {
  if (status >= 300 && status < 400) {
    return 'a redirect. The client does not follow redirects, which would resend credentials: check the base URL.';
  }
  if (status >= 500) return 'a server error; DSM may or may not have applied the request.';
  return 'a refusal.';
}

/**
 * Thrown when DSM answers with a status outside 2xx; this class itself (`HTTP_ERROR`) covers
 * the statuses without a subclass (500, 503…). `retryAfterMs` is DSM's `Retry-After`, if any.
 * The message, `toJSON()` and `util.inspect()` hold only text this library wrote; DSM's own
 * text is reachable only through `untrustedServerText()`.
 */
export class DsmHttpError extends DsmError {
  override readonly name: string = 'DsmHttpError';
  declare readonly code: DsmHttpErrorCode;
  readonly status: number;
  readonly operationId: string;
  readonly retryAfterMs: number | undefined;

  constructor(init: DsmHttpErrorInit, code: DsmHttpErrorCode = 'HTTP_ERROR', sentence?: string) {
    const what = sentence ?? sentenceFor(init.status);
    super(code, `DSM refused ${init.operationId} with HTTP ${init.status}: ${what}`);
    this.status = init.status;
    this.operationId = init.operationId;
    this.retryAfterMs = init.retryAfterMs;
    serverTexts.set(this, init.serverText ?? '');
  }

  /**
   * DSM's plain-text error body, cut at 16 KiB ('' when none). **Untrusted server text**: it may
   * echo anything the request carried, the password or the token included, and may hold markup.
   * Show it only escaped, never log it. No serializer, event or inspector of this library reads it.
   */
  untrustedServerText(): string {
    return serverTexts.get(this) ?? '';
  }
}

/** Thrown on HTTP 400: DSM found the request malformed (e.g. an attestation it could not verify). */
export class DsmBadRequestError extends DsmHttpError {
  override readonly name: string = 'DsmBadRequestError';
  declare readonly code: 'BAD_REQUEST';
  constructor(init: DsmHttpErrorInit) {
    super(init, 'BAD_REQUEST', 'DSM found the request malformed.');
  }
}

/**
 * Thrown on HTTP 401: a wrong password (`authenticate`, `config2faAuth`), or a session that
 * ended. On `config2faAuth` the two look alike: ask `refresh()` which one it was.
 */
export class DsmUnauthorizedError extends DsmHttpError {
  override readonly name: string = 'DsmUnauthorizedError';
  declare readonly code: 'UNAUTHORIZED';
  constructor(init: DsmHttpErrorInit) {
    super(init, 'UNAUTHORIZED', 'the credentials were refused, or the session has ended.');
  }
}

/** Why DSM answered 403, read from its text. */
export type DsmForbiddenReason =
  | 'configLocked'
  | 'configUnlocked'
  | 'secondFactorRequired'
  | 'other';

/** DSM's 403 text as one of four fixed values; "unlocked" contains "locked", so it goes first. */
function forbiddenReason(serverText: string): DsmForbiddenReason {
  if (/configuration (mode )?is unlocked/i.test(serverText)) return 'configUnlocked';
  if (/configuration is locked/i.test(serverText)) return 'configLocked';
  if (/two factor authentication first/i.test(serverText)) return 'secondFactorRequired';
  return 'other';
}

const forbiddenSentences: Record<DsmForbiddenReason, string> = {
  configLocked: 'the 2FA configuration is locked; unlock it first.',
  configUnlocked:
    'the 2FA configuration is unlocked, so the 2FA device cannot be used; lock it first.',
  secondFactorRequired: 'the session has not completed its second factor yet.',
  other: 'the session may not do this (a permission, or an approval it needs).',
};

/**
 * Thrown on HTTP 403: the session may not do this now. `reason`, from DSM's text:
 * `configLocked` (unlock first), `configUnlocked` (the 2FA device is unusable: lock first),
 * `secondFactorRequired` (complete the sign-in first), or `other` (a permission, an approval).
 */
export class DsmForbiddenError extends DsmHttpError {
  override readonly name: string = 'DsmForbiddenError';
  declare readonly code: 'FORBIDDEN';
  readonly reason: DsmForbiddenReason;
  constructor(init: DsmHttpErrorInit) {
    const reason = forbiddenReason(init.serverText ?? '');
    super(init, 'FORBIDDEN', forbiddenSentences[reason]);
    this.reason = reason;
  }
}

/** Thrown on HTTP 404: the user, approval request or endpoint does not exist (check the id). */
export class DsmNotFoundError extends DsmHttpError {
  override readonly name: string = 'DsmNotFoundError';
  declare readonly code: 'NOT_FOUND';
  constructor(init: DsmHttpErrorInit) {
    super(init, 'NOT_FOUND', 'the user, approval request or endpoint does not exist.');
  }
}

/** Thrown on HTTP 409: the change conflicts with DSM's state (e.g. a device name already in use). */
export class DsmConflictError extends DsmHttpError {
  override readonly name: string = 'DsmConflictError';
  declare readonly code: 'CONFLICT';
  constructor(init: DsmHttpErrorInit) {
    super(init, 'CONFLICT', "the change conflicts with DSM's state (a name already in use?).");
  }
}

/** Thrown on HTTP 423: DSM reports the resource or account as locked. */
export class DsmLockedError extends DsmHttpError {
  override readonly name: string = 'DsmLockedError';
  declare readonly code: 'LOCKED';
  constructor(init: DsmHttpErrorInit) {
    super(init, 'LOCKED', 'DSM reports the resource or account as locked.');
  }
}

/**
 * Thrown on HTTP 429: too many attempts. `retryAfterMs` is DSM's `Retry-After`, if any. The
 * sign-in also throws it, sending nothing, for an attempt before that wait is over: then
 * `retryAfterMs` is the wait left and `operationId` the operation that was not sent.
 */
export class DsmRateLimitedError extends DsmHttpError {
  override readonly name: string = 'DsmRateLimitedError';
  declare readonly code: 'RATE_LIMITED';
  constructor(init: DsmHttpErrorInit, { sent = true }: { sent?: boolean } = {}) {
    const wait =
      init.retryAfterMs === undefined
        ? 'Wait before trying again.'
        : `Try again in ${Math.max(1, Math.ceil(init.retryAfterMs / 1000))} s.`;
    super(
      init,
      'RATE_LIMITED',
      sent ? `too many attempts. ${wait}` : `too many attempts; this one was not sent. ${wait}`,
    );
  }
}

/**
 * Thrown by `createDsmClient` when `baseUrl` cannot be used safely: `insecure` (plain http to a
 * host that is not loopback, so passwords and tokens would cross the network in clear text), or
 * `invalid` (not an http(s) URL, or with credentials, a query or a fragment). The message shows
 * at most the scheme and host, never credentials embedded in the URL.
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
 * Thrown, before sending, by an operation that needs a session on a client without `token` or
 * `apiKey` (or whose `Secret` was cleared).
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

/** Thrown by `createDsmClient` for an option it cannot use (`option`); never shows its value. */
export class DsmOptionsError extends DsmError {
  override readonly name: string = 'DsmOptionsError';
  declare readonly code: 'INVALID_OPTIONS';
  readonly option: string;

  constructor(option: string, expected: string) {
    super('INVALID_OPTIONS', `createDsmClient's ${option} must be ${expected}.`);
    this.option = option;
  }
}

/**
 * Thrown when no HTTP response arrived (DNS, connection, TLS). `cause` is a plain `Error` with at
 * most the system `code` (`ECONNREFUSED`). Idempotent operations are retried first.
 */
export class DsmNetworkError extends DsmError {
  override readonly name: string = 'DsmNetworkError';
  declare readonly code: 'NETWORK';
  readonly operationId: string;

  constructor(operationId: string, origin: string, cause: Error) {
    const detail = 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
    super(
      'NETWORK',
      `Could not reach DSM at ${origin} for ${operationId} (${detail}). Check the base URL and the network.`,
      { cause },
    );
    this.operationId = operationId;
  }
}

/**
 * Thrown when an attempt got no complete response within the client's `timeoutMs`. It may have
 * reached DSM (a timed-out `config2faAuth` may have unlocked). Timeouts are not retried.
 */
export class DsmTimeoutError extends DsmError {
  override readonly name: string = 'DsmTimeoutError';
  declare readonly code: 'TIMEOUT';
  readonly operationId: string;
  readonly timeoutMs: number;

  constructor(operationId: string, timeoutMs: number) {
    super(
      'TIMEOUT',
      `DSM did not answer ${operationId} within ${timeoutMs} ms. Check the network, or raise timeoutMs.`,
    );
    this.operationId = operationId;
    this.timeoutMs = timeoutMs;
  }
}

/** Thrown when the caller's `AbortSignal` fired. Like a timeout, it may have reached DSM. */
export class DsmAbortedError extends DsmError {
  override readonly name: string = 'DsmAbortedError';
  declare readonly code: 'ABORTED';
  readonly operationId: string;

  constructor(operationId: string) {
    super('ABORTED', `${operationId} was aborted by its caller's AbortSignal.`);
    this.operationId = operationId;
  }
}

/** One schema failure: where it is and what was expected. Never the value itself. */
export interface DsmValidationIssue {
  path: (string | number)[];
  message: string;
}

function summarize(issues: readonly DsmValidationIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return `${shown.join('; ')}${more}`;
}

/**
 * Thrown when a 2xx answer is not JSON or fails the operation's schema (unknown extra fields are
 * fine). `issues` lists `{ path, message }`, never the body's values.
 */
export class DsmResponseValidationError extends DsmError {
  override readonly name: string = 'DsmResponseValidationError';
  declare readonly code: 'INVALID_RESPONSE';
  readonly operationId: string;
  readonly status: number;
  readonly issues: readonly DsmValidationIssue[];

  constructor(operationId: string, status: number, issues: readonly DsmValidationIssue[]) {
    super(
      'INVALID_RESPONSE',
      `DSM's response to ${operationId} (HTTP ${status}) is not what DSM documents: ${summarize(issues)}. ` +
        'Check that the base URL points at DSM and not at a proxy or another service.',
    );
    this.operationId = operationId;
    this.status = status;
    this.issues = issues;
  }
}

/** Thrown, before sending, when an operation's input fails its schema. `issues` has no values. */
export class DsmRequestValidationError extends DsmError {
  override readonly name: string = 'DsmRequestValidationError';
  declare readonly code: 'INVALID_REQUEST';
  readonly operationId: string;
  readonly issues: readonly DsmValidationIssue[];

  constructor(operationId: string, issues: readonly DsmValidationIssue[]) {
    super(
      'INVALID_REQUEST',
      `Invalid input for ${operationId}, nothing was sent: ${summarize(issues)}.`,
    );
    this.operationId = operationId;
    this.issues = issues;
  }
}

/** The instances of the classes that modules export (each module on its own). */
type ErrorsOf<M> = M extends unknown
  ? { [K in keyof M]: M[K] extends abstract new (...args: never[]) => infer E ? E : never }[keyof M]
  : never;
type AnyDsmError = ErrorsOf<
  typeof client | typeof secret | typeof workflow | typeof signIn | typeof webauthn
>;

/** The one class behind each code (`HTTP_ERROR`: a `DsmHttpError` of no subclass). */
export type DsmErrorByCode = {
  [C in DsmErrorCode]: C extends 'HTTP_ERROR'
    ? DsmHttpError & { readonly code: 'HTTP_ERROR' }
    : Extract<AnyDsmError, { readonly code: C }>;
};

/**
 * Whether `error` is one of this library's errors, with `code` if given; narrows to that code's
 * class (`isDsmError(e, 'FORBIDDEN')` gives `DsmForbiddenError`).
 */
export function isDsmError(error: unknown): error is DsmError;
export function isDsmError<C extends DsmErrorCode>(
  error: unknown,
  code: C,
): error is DsmErrorByCode[C];
export function isDsmError(error: unknown, code?: DsmErrorCode): boolean {
  return error instanceof DsmError && (code === undefined || error.code === code);
}
