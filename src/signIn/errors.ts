import type { SecondFactorMethod } from '../../machines/signIn.types.js';
import type { SnapshotRefusalReason } from '../persistence/refusal.js';

/** Codes of the errors the sign-in controller raises (transport failures keep the client's). */
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

/** Base class of the sign-in errors: a stable `code`, a message a person can act on. */
export class SignInError extends Error {
  readonly code: SignInErrorCode;

  constructor(code: SignInErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignInError';
    this.code = code;
  }

  toJSON(): { name: string; code: string; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** Thrown by `signIn` when DSM refused the email or the password (401 on Authenticate). */
export class SignInFailedError extends SignInError {
  constructor(options?: { cause?: unknown }) {
    super('SIGN_IN_FAILED', 'DSM refused the email or the password.', options);
    this.name = 'SignInFailedError';
  }
}

/**
 * Thrown by `completeWithSecurityKey` / `completeWithRecoveryCode` when DSM refused the second
 * factor (400: an assertion it could not verify, a wrong or already used recovery code). The
 * sign-in is still waiting for a second factor: try again, or the other method.
 */
export class SecondFactorFailedError extends SignInError {
  readonly method: SecondFactorMethod;

  constructor(method: SecondFactorMethod, options?: { cause?: unknown }) {
    super(
      'SECOND_FACTOR_FAILED',
      method === 'fido2'
        ? 'DSM refused the security key. Try again, or use a recovery code.'
        : 'DSM refused the recovery code (wrong, or already used). Each code works once.',
      options,
    );
    this.name = 'SecondFactorFailedError';
    this.method = method;
  }
}

/**
 * Thrown when DSM answered 429 (too many wrong passwords or recovery codes), and for every
 * attempt until the wait is over, which the controller then refuses with no request.
 * `retryAfterMs` is the wait left (from DSM's `Retry-After`; undefined when DSM gave none).
 */
export class SignInRateLimitedError extends SignInError {
  readonly retryAfterMs: number | undefined;

  constructor(retryAfterMs: number | undefined, options?: { cause?: unknown }) {
    super(
      'RATE_LIMITED',
      retryAfterMs === undefined
        ? 'Too many failed attempts. Wait before trying again.'
        : `Too many failed attempts. Try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`,
      options,
    );
    this.name = 'SignInRateLimitedError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** Thrown when the session expired (DSM answered 401, or the idle timeout ran out). Sign in again. */
export class SignInSessionExpiredError extends SignInError {
  constructor(options?: { cause?: unknown }) {
    super('SESSION_EXPIRED', 'The DSM session expired. Sign in again.', options);
    this.name = 'SignInSessionExpiredError';
  }
}

/** Thrown by calls that need a signed-in session when there is none. */
export class SignedOutError extends SignInError {
  constructor(message = 'Nobody is signed in. Call signIn() first.') {
    super('SIGNED_OUT', message);
    this.name = 'SignedOutError';
  }
}

/**
 * Thrown by `signIn` while a session is open: signed in, or waiting for its second factor.
 * Call `signOut()` first. No request was sent.
 */
export class AlreadySignedInError extends SignInError {
  constructor() {
    super(
      'ALREADY_SIGNED_IN',
      'A session is already open (signed in, or waiting for its second factor). Call signOut() first.',
    );
    this.name = 'AlreadySignedInError';
  }
}

/** Thrown by the `completeWith…` calls when no sign-in waits for a second factor. No request. */
export class NotAwaitingSecondFactorError extends SignInError {
  constructor() {
    super(
      'NOT_AWAITING_SECOND_FACTOR',
      'No sign-in is waiting for a second factor. Call signIn() first.',
    );
    this.name = 'NotAwaitingSecondFactorError';
  }
}

/** Thrown when another sign-in request of this controller is in flight. No request was sent. */
export class SignInBusyError extends SignInError {
  constructor() {
    super('BUSY', 'Another sign-in request is in flight; try again when it settles.');
    this.name = 'SignInBusyError';
  }
}

/** Thrown when a sign-out or dispose ended a request before DSM answered. */
export class SignInInterruptedError extends SignInError {
  constructor(what: string) {
    super('INTERRUPTED', `The ${what} was interrupted by a sign-out before DSM answered.`);
    this.name = 'SignInInterruptedError';
  }
}

/** Thrown by any call after `dispose()`. */
export class SignInDisposedError extends SignInError {
  constructor() {
    super('DISPOSED', 'This sign-in controller was disposed; create a new one.');
    this.name = 'SignInDisposedError';
  }
}

/** Thrown for bad input before anything is sent: an empty email, password or code. */
export class SignInInvalidInputError extends SignInError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
    this.name = 'SignInInvalidInputError';
  }
}

/**
 * Thrown by `createSignIn({ snapshot })` (and `fromPersistedSignIn`) for a snapshot it cannot
 * trust or cannot resume. `reason` says why: `forged` and `unsigned` mean the stored value is
 * not what `persist()` wrote with your `snapshotKey` (drop it; investigate the storage);
 * `foreign`, that it is another kind of snapshot; see `SnapshotRefusalReason`. The message is
 * this library's text only, never a value read from the snapshot.
 */
export class InvalidSignInSnapshotError extends SignInError {
  readonly reason: SnapshotRefusalReason;

  constructor(message: string, reason: SnapshotRefusalReason = 'unusable') {
    super('INVALID_SNAPSHOT', message);
    this.name = 'InvalidSignInSnapshotError';
    this.reason = reason;
  }
}
