import { DsmError } from './DsmError.js';

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
  /**
   * DSM's plain-text body, as it came (cut at 16 KiB). Untrusted server text: it is kept
   * behind `untrustedServerText()` and never becomes part of the message, JSON or inspect form.
   */
  serverText?: string;
  /** From a `Retry-After` header, when the response had one. */
  retryAfterMs?: number | undefined;
}

/**
 * DSM's text per error, out of every serializer's reach: a WeakMap entry is no property, so
 * JSON, `util.inspect`, `structuredClone` and the inspector never see it.
 */
const serverTexts = new WeakMap<DsmHttpError, string>();

/** The fixed sentence for a status: the library's own words, never the server's. */
function sentenceFor(status: number): string {
  if (status >= 300 && status < 400) {
    return 'a redirect. The client does not follow redirects, which would resend credentials: check the base URL.';
  }
  if (status >= 500) return 'a server error; DSM may or may not have applied the request.';
  return 'a refusal.';
}

function describe(init: DsmHttpErrorInit, sentence: string): string {
  return `DSM refused ${init.operationId} with HTTP ${init.status}: ${sentence}`;
}

/**
 * Thrown when DSM answers with a status outside 2xx. This class itself (code `HTTP_ERROR`)
 * covers statuses without a subclass below, such as 500 or 503.
 *
 * - `status`: the HTTP status.
 * - `operationId`: the DSM operation that failed (`Config2faAuth`, `GetUser`, …).
 * - `retryAfterMs`: the wait DSM asked for in `Retry-After` (seconds or an HTTP date), if any.
 *
 * The message, `toJSON()` and `util.inspect()` hold only text this library wrote: the
 * operation, the status, the code and a fixed sentence. DSM's own text is reachable only
 * through `untrustedServerText()`.
 */
export class DsmHttpError extends DsmError {
  override readonly name: string = 'DsmHttpError';
  declare readonly code: DsmHttpErrorCode;
  readonly status: number;
  readonly operationId: string;
  readonly retryAfterMs: number | undefined;

  constructor(init: DsmHttpErrorInit, code: DsmHttpErrorCode = 'HTTP_ERROR', sentence?: string) {
    super(code, describe(init, sentence ?? sentenceFor(init.status)));
    this.status = init.status;
    this.operationId = init.operationId;
    this.retryAfterMs = init.retryAfterMs;
    serverTexts.set(this, init.serverText ?? '');
  }

  /**
   * DSM's plain-text error body, as DSM (or whatever answered in its place) sent it, cut at
   * 16 KiB; empty when there was none. **Untrusted server text**: it may echo anything the
   * request carried, the password or the token included, and may hold markup. Show it only
   * where you would show raw server output, escaped; never log it. No serializer, event or
   * inspector of this library reaches it.
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
 * Thrown on HTTP 401: the credentials were refused. On `authenticate` and `config2faAuth` this
 * may be a wrong password; on any other bearer call the session expired or was terminated.
 * (On `config2faAuth` the two look alike: ask `refresh()` which one it was.)
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

/**
 * Classifies DSM's 403 text into one of four fixed values (the text itself is kept nowhere
 * visible). "unlocked" contains "locked", so unlocked is tested first.
 */
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
 * Thrown on HTTP 403: the session may not do this now. `reason` says why, from DSM's text:
 * - `configLocked`: a 2FA configuration operation while the configuration is locked
 *   (unlock with `config2faAuth` first);
 * - `configUnlocked`: using the 2FA device (approval challenge, FIDO2 approval) while the
 *   configuration is unlocked (lock with `config2faTerminate` first);
 * - `secondFactorRequired`: the session has not completed its second factor yet
 *   (`completeFido2Auth` or `recoveryCodeAuth` first);
 * - `other`: anything else, such as a missing permission or a required approval.
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
 * Thrown on HTTP 429: too many attempts (e.g. wrong passwords or recovery codes).
 * `retryAfterMs` is the wait DSM asked for in `Retry-After` (seconds or an HTTP date), or
 * `undefined` when it gave none.
 *
 * The sign-in also throws it, with no request sent, for every attempt made before that wait
 * is over: then `retryAfterMs` is the wait left, `status` is 429 (DSM's answer that started
 * the wait) and `operationId` the operation that was not sent.
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

/** The error class for an HTTP status. */
export function httpErrorFor(init: DsmHttpErrorInit): DsmHttpError {
  switch (init.status) {
    case 400:
      return new DsmBadRequestError(init);
    case 401:
      return new DsmUnauthorizedError(init);
    case 403:
      return new DsmForbiddenError(init);
    case 404:
      return new DsmNotFoundError(init);
    case 409:
      return new DsmConflictError(init);
    case 423:
      return new DsmLockedError(init);
    case 429:
      return new DsmRateLimitedError(init);
    default:
      return new DsmHttpError(init);
  }
}
