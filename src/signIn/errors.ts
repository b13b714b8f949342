import type { SecondFactorMethod, SignInRequest } from '../../machines/signIn.types.js';
import { DsmError, DsmRateLimitedError } from '../client/errors/index.js';
import {
  InvalidInputError,
  InvalidSnapshotError,
  OperationInterruptedError,
  SessionExpiredError,
  WorkflowBusyError,
  WorkflowDisposedError,
} from '../workflow/errors.js';

/**
 * The codes of the errors the sign-in raises itself. `RATE_LIMITED` is the client's class; six
 * others are the workflow's.
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

/** Thrown by `signIn` when DSM refused the credentials (401). `cause`: the client's error. */
export class SignInFailedError extends DsmError {
  override readonly name: string = 'SignInFailedError';
  declare readonly code: 'SIGN_IN_FAILED';
  constructor(options?: { cause?: unknown }) {
    super('SIGN_IN_FAILED', 'DSM refused the email or the password.', options);
  }
}

/**
 * Thrown by the `completeWith…` calls when DSM refused the second factor (400). The sign-in still
 * waits for one. `method` is the refused one; `cause` is the client's `DsmBadRequestError`.
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

/** Thrown by calls that need a signed-in session when there is none. No request was sent. */
export class SignedOutError extends DsmError {
  override readonly name: string = 'SignedOutError';
  declare readonly code: 'SIGNED_OUT';
  constructor(message = 'Nobody is signed in. Call signIn() first.') {
    super('SIGNED_OUT', message);
  }
}

/** Thrown by `signIn` while a session is open. No request was sent. */
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

/** The refusal of an attempt before DSM's 429 wait is over, `retryAfterMs` the wait left. */
export function rateLimitedUntilRetry(
  request: SignInRequest,
  retryAfterMs: number | undefined,
): DsmRateLimitedError {
  return new DsmRateLimitedError(
    { status: 429, operationId: operationOf[request], retryAfterMs },
    { sent: false },
  );
}

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
