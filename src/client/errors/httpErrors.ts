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

/** What the client read from DSM's error response (secrets already redacted). */
export interface DsmHttpErrorInit {
  status: number;
  operationId: string;
  /** DSM's plain-text body, redacted and truncated. */
  dsmMessage: string;
  /** From a `Retry-After` header, when the response had one. */
  retryAfterMs?: number | undefined;
}

function describe(init: DsmHttpErrorInit, hint?: string): string {
  const said = init.dsmMessage ? `: ${init.dsmMessage}` : ' with no message';
  const base = `DSM refused ${init.operationId} with HTTP ${init.status}${said}`;
  return hint ? `${base.replace(/\.?$/, '.')} ${hint}` : base;
}

/**
 * Thrown when DSM answers with a status outside 2xx. This class itself (code `HTTP_ERROR`)
 * covers statuses without a subclass below, such as 500 or 503.
 *
 * - `status`: the HTTP status.
 * - `operationId`: the DSM operation that failed (`Config2faAuth`, `GetUser`, …).
 * - `dsmMessage`: DSM's plain-text body, with the request's secrets replaced by `[redacted]`
 *   and cut to about 500 characters; empty when DSM sent no body.
 * - `retryAfterMs`: the wait DSM asked for in `Retry-After` (seconds or an HTTP date), if any.
 */
export class DsmHttpError extends DsmError {
  override readonly name: string = 'DsmHttpError';
  declare readonly code: DsmHttpErrorCode;
  readonly status: number;
  readonly operationId: string;
  readonly dsmMessage: string;
  readonly retryAfterMs: number | undefined;

  constructor(init: DsmHttpErrorInit, code: DsmHttpErrorCode = 'HTTP_ERROR', hint?: string) {
    super(code, describe(init, hint));
    this.status = init.status;
    this.operationId = init.operationId;
    this.dsmMessage = init.dsmMessage;
    this.retryAfterMs = init.retryAfterMs;
  }

  protected override details(): Record<string, unknown> {
    return {
      status: this.status,
      operationId: this.operationId,
      dsmMessage: this.dsmMessage,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

/** Thrown on HTTP 400: DSM found the request malformed (e.g. an attestation it could not verify). */
export class DsmBadRequestError extends DsmHttpError {
  override readonly name: string = 'DsmBadRequestError';
  declare readonly code: 'BAD_REQUEST';
  constructor(init: DsmHttpErrorInit) {
    super(init, 'BAD_REQUEST');
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
    super(init, 'UNAUTHORIZED');
  }
}

/** Why DSM answered 403, read from its text. */
export type DsmForbiddenReason =
  | 'configLocked'
  | 'configUnlocked'
  | 'secondFactorRequired'
  | 'other';

/** Classifies DSM's 403 text. "unlocked" contains "locked", so unlocked is tested first. */
export function forbiddenReason(dsmMessage: string): DsmForbiddenReason {
  if (/configuration (mode )?is unlocked/i.test(dsmMessage)) return 'configUnlocked';
  if (/configuration is locked/i.test(dsmMessage)) return 'configLocked';
  if (/two factor authentication first/i.test(dsmMessage)) return 'secondFactorRequired';
  return 'other';
}

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
    super(init, 'FORBIDDEN');
    this.reason = forbiddenReason(init.dsmMessage);
  }

  protected override details(): Record<string, unknown> {
    return { ...super.details(), reason: this.reason };
  }
}

/** Thrown on HTTP 404: the user, approval request or endpoint does not exist (check the id). */
export class DsmNotFoundError extends DsmHttpError {
  override readonly name: string = 'DsmNotFoundError';
  declare readonly code: 'NOT_FOUND';
  constructor(init: DsmHttpErrorInit) {
    super(init, 'NOT_FOUND');
  }
}

/** Thrown on HTTP 409: the change conflicts with DSM's state (e.g. a device name already in use). */
export class DsmConflictError extends DsmHttpError {
  override readonly name: string = 'DsmConflictError';
  declare readonly code: 'CONFLICT';
  constructor(init: DsmHttpErrorInit) {
    super(init, 'CONFLICT');
  }
}

/** Thrown on HTTP 423: DSM reports the resource or account as locked. */
export class DsmLockedError extends DsmHttpError {
  override readonly name: string = 'DsmLockedError';
  declare readonly code: 'LOCKED';
  constructor(init: DsmHttpErrorInit) {
    super(init, 'LOCKED');
  }
}

/**
 * Thrown on HTTP 429: too many attempts (e.g. wrong passwords). `retryAfterMs` is the wait DSM
 * asked for in `Retry-After` (seconds or an HTTP date), or `undefined` when it gave none.
 */
export class DsmRateLimitedError extends DsmHttpError {
  override readonly name: string = 'DsmRateLimitedError';
  declare readonly code: 'RATE_LIMITED';
  constructor(init: DsmHttpErrorInit) {
    const wait =
      init.retryAfterMs === undefined
        ? 'Wait before trying again.'
        : `Try again in ${Math.ceil(init.retryAfterMs / 1000)} s.`;
    super(init, 'RATE_LIMITED', wait);
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
