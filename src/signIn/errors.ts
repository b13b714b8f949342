import type { SecondFactorMethod, SignInRequest } from '../../machines/signIn.types.js';
import { DsmError } from '../client/errors/DsmError.js';
import { DsmRateLimitedError } from '../client/errors/httpErrors.js';
import {
  InvalidInputError,
  InvalidSnapshotError,
  OperationInterruptedError,
  SessionExpiredError,
  WorkflowBusyError,
  WorkflowDisposedError,
} from '../workflow/errors.js';

/**
 * The codes of the errors the sign-in raises itself, a part of `DsmErrorCode` (transport
 * failures keep the client's codes). `RATE_LIMITED` is the client's `DsmRateLimitedError`;
 * `SESSION_EXPIRED`, `BUSY`, `INTERRUPTED`, `DISPOSED`, `INVALID_INPUT` and `INVALID_SNAPSHOT`
 * are the 2FA-configuration workflow's classes.
 */
export type SignInErrorCode =
  | 'SIGN_IN_FAILED'
  | 'SECOND_FACTOR_FAILED'
  | 'RATE_LIMITED'
  | 'SESSION_EXPIRED'
  | 'SIGNED_OUT'
  | 'ALREADY_SIGNED_IN'
  | 'NOT_AWAITING_SECOND_FACTOR'
  | 'BUSY'
  | 'INTERRUPTED'
  | 'DISPOSED'
  | 'INVALID_INPUT'
  | 'INVALID_SNAPSHOT';

/**
 * Thrown by `signIn` when DSM refused the email or the password (401 on Authenticate). The
 * sign-in stays signed out. `cause` is the client's `DsmUnauthorizedError`.
 */
export class SignInFailedError extends DsmError {
  override readonly name: string = 'SignInFailedError';
  declare readonly code: 'SIGN_IN_FAILED';
  constructor(options?: { cause?: unknown }) {
    super('SIGN_IN_FAILED', 'DSM refused the email or the password.', options);
  }
}

/**
 * Thrown by `completeWithSecurityKey` / `completeWithRecoveryCode` when DSM refused the second
 * factor (400: an assertion it could not verify, a wrong or already used recovery code). The
 * sign-in is still waiting for a second factor: try again, or the other method. `method` is
 * the refused one (`fido2` or `recoveryCode`); `cause` is the client's `DsmBadRequestError`.
 */
export class SecondFactorFailedError extends DsmError {
  override readonly name: string = 'SecondFactorFailedError';
  declare readonly code: 'SECOND_FACTOR_FAILED';
  readonly method: SecondFactorMethod;

  constructor(method: SecondFactorMethod, options?: { cause?: unknown }) {
    super(
      'SECOND_FACTOR_FAILED',
      method === 'fido2'
        ? 'DSM refused the security key. Try again, or use a recovery code.'
        : 'DSM refused the recovery code (wrong, or already used). Each code works once.',
      options,
    );
    this.method = method;
  }
}

/**
 * Thrown by calls that need a signed-in session when there is none (e.g. creating the
 * 2FA-configuration workflow from a sign-in nobody completed). No request was sent. No fields
 * beyond `code` and `message`.
 */
export class SignedOutError extends DsmError {
  override readonly name: string = 'SignedOutError';
  declare readonly code: 'SIGNED_OUT';
  constructor(message = 'Nobody is signed in. Call signIn() first.') {
    super('SIGNED_OUT', message);
  }
}

/**
 * Thrown by `signIn` while a session is open: signed in, or waiting for its second factor.
 * Call `signOut()` first. No request was sent.
 */
export class AlreadySignedInError extends DsmError {
  override readonly name: string = 'AlreadySignedInError';
  declare readonly code: 'ALREADY_SIGNED_IN';
  constructor() {
    super(
      'ALREADY_SIGNED_IN',
      'A session is already open (signed in, or waiting for its second factor). Call signOut() first.',
    );
  }
}

/** Thrown by the `completeWith…` calls when no sign-in waits for a second factor. No request. */
export class NotAwaitingSecondFactorError extends DsmError {
  override readonly name: string = 'NotAwaitingSecondFactorError';
  declare readonly code: 'NOT_AWAITING_SECOND_FACTOR';
  constructor() {
    super(
      'NOT_AWAITING_SECOND_FACTOR',
      'No sign-in is waiting for a second factor. Call signIn() first.',
    );
  }
}

const operationOf: Record<SignInRequest, string> = {
  signIn: 'Authenticate',
  completeWithAssertion: 'CompleteFido2Auth',
  completeWithRecoveryCode: 'RecoveryCodeAuth',
};

/**
 * The sign-in's refusal, without a request, of an attempt made before DSM's 429 wait is over:
 * the client's `DsmRateLimitedError` with `retryAfterMs` set to the wait left.
 */
export function rateLimitedUntilRetry(
  request: SignInRequest,
  retryAfterMs: number | undefined,
): DsmRateLimitedError {
  return new DsmRateLimitedError(
    { status: 429, operationId: operationOf[request], retryAfterMs },
    { sent: false },
  );
}

// The names below were classes of their own until the sign-in shared the workflow's and the
// client's; each now names that one class (docs/migration.md).

/** @deprecated The client's `DsmRateLimitedError` (code `RATE_LIMITED`); see docs/migration.md. */
export const SignInRateLimitedError = DsmRateLimitedError;
/** @deprecated The client's `DsmRateLimitedError` (code `RATE_LIMITED`); see docs/migration.md. */
export type SignInRateLimitedError = DsmRateLimitedError;
/** @deprecated `SessionExpiredError` (code `SESSION_EXPIRED`); see docs/migration.md. */
export const SignInSessionExpiredError = SessionExpiredError;
/** @deprecated `SessionExpiredError` (code `SESSION_EXPIRED`); see docs/migration.md. */
export type SignInSessionExpiredError = SessionExpiredError;
/** @deprecated `WorkflowBusyError` (code `BUSY`); see docs/migration.md. */
export const SignInBusyError = WorkflowBusyError;
/** @deprecated `WorkflowBusyError` (code `BUSY`); see docs/migration.md. */
export type SignInBusyError = WorkflowBusyError;
/** @deprecated `OperationInterruptedError` (code `INTERRUPTED`); see docs/migration.md. */
export const SignInInterruptedError = OperationInterruptedError;
/** @deprecated `OperationInterruptedError` (code `INTERRUPTED`); see docs/migration.md. */
export type SignInInterruptedError = OperationInterruptedError;
/** @deprecated `WorkflowDisposedError` (code `DISPOSED`); see docs/migration.md. */
export const SignInDisposedError = WorkflowDisposedError;
/** @deprecated `WorkflowDisposedError` (code `DISPOSED`); see docs/migration.md. */
export type SignInDisposedError = WorkflowDisposedError;
/** @deprecated `InvalidInputError` (code `INVALID_INPUT`); see docs/migration.md. */
export const SignInInvalidInputError = InvalidInputError;
/** @deprecated `InvalidInputError` (code `INVALID_INPUT`); see docs/migration.md. */
export type SignInInvalidInputError = InvalidInputError;
/** @deprecated `InvalidSnapshotError` (code `INVALID_SNAPSHOT`); see docs/migration.md. */
export const InvalidSignInSnapshotError = InvalidSnapshotError;
/** @deprecated `InvalidSnapshotError` (code `INVALID_SNAPSHOT`); see docs/migration.md. */
export type InvalidSignInSnapshotError = InvalidSnapshotError;
