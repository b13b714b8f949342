import { DsmError } from '../client/errors/index.js';
import type { SnapshotRefusalReason } from '../persistence/openSnapshot.js';

/**
 * The codes of the errors the 2FA-configuration workflow raises itself (DSM's keep the client's
 * codes). The sign-in shares the classes of the six it also raises.
 */
export type TwoFactorConfigErrorCode =
  | 'CONFIG_LOCKED'
  | 'CONFIG_UNLOCKED'
  | 'SESSION_EXPIRED'
  | 'WRONG_PASSWORD'
  | 'BUSY'
  | 'UNKNOWN_OPERATION'
  | 'INTERRUPTED'
  | 'DISPOSED'
  | 'INVALID_INPUT'
  | 'INVALID_SNAPSHOT'
  | 'PASSWORD_NOT_PROVIDED'
  | 'UNLOCK_TOO_LATE'
  | 'UNEXPECTED';

/**
 * Thrown by a config operation (devices, challenge, recovery codes, `registerSecurityKey`)
 * while the configuration is not unlocked, or past its deadline. No request was sent.
 */
export class TwoFactorConfigLockedError extends DsmError {
  override readonly name: string = 'TwoFactorConfigLockedError';
  declare readonly code: 'CONFIG_LOCKED';
  constructor(message = '2FA configuration locked: unlock it first.') {
    super('CONFIG_LOCKED', message);
  }
}

/**
 * Thrown by an approval operation (challenge, approve, deny, `approveWithSecurityKey`) while the
 * configuration is unlocked: DSM cannot use the 2FA device then. No request was sent.
 */
export class TwoFactorConfigUnlockedError extends DsmError {
  override readonly name: string = 'TwoFactorConfigUnlockedError';
  declare readonly code: 'CONFIG_UNLOCKED';
  constructor(message = '2FA configuration unlocked: lock it first.') {
    super('CONFIG_UNLOCKED', message);
  }
}

/**
 * Thrown when the DSM session has ended: a 401 to a bearer call (the workflow asks Refresh
 * first), the sign-in's idle timeout, or a call after it expired. Sign in again (a workflow then
 * continues with `resumeSession`). `cause` is the client's `DsmUnauthorizedError` after a 401.
 */
export class SessionExpiredError extends DsmError {
  override readonly name: string = 'SessionExpiredError';
  declare readonly code: 'SESSION_EXPIRED';
  constructor(options?: { cause?: unknown }) {
    super('SESSION_EXPIRED', 'DSM session expired: sign in again.', options);
  }
}

/**
 * Thrown by `unlock` when DSM refused the password: Config2faAuth answered 401 and Refresh
 * showed the session alive. The configuration stays locked.
 */
export class WrongPasswordError extends DsmError {
  override readonly name: string = 'WrongPasswordError';
  declare readonly code: 'WRONG_PASSWORD';
  constructor(options?: { cause?: unknown }) {
    super('WRONG_PASSWORD', 'Wrong password; still locked.', options);
  }
}

/** Thrown when another request of the controller is in flight. No request was sent. */
export class WorkflowBusyError extends DsmError {
  override readonly name: string = 'WorkflowBusyError';
  declare readonly code: 'BUSY';
  constructor() {
    super('BUSY', 'Busy with another request: retry later.');
  }
}

/**
 * Thrown for an operation kind the workflow does not know (a raw `actor.send`, an untyped
 * caller). No request was sent. The message quotes at most 64 characters of the kind.
 */
export class UnknownOperationError extends DsmError {
  override readonly name: string = 'UnknownOperationError';
  declare readonly code: 'UNKNOWN_OPERATION';
  constructor(kind: string) {
    super('UNKNOWN_OPERATION', `Unknown operation "${kind.slice(0, 64)}".`);
  }
}

/**
 * Thrown when a controller left the state a request ran in before DSM answered (a lock, the
 * deadline, a sign-out, dispose). DSM may have applied it. The message names the request.
 */
export class OperationInterruptedError extends DsmError {
  override readonly name: string = 'OperationInterruptedError';
  declare readonly code: 'INTERRUPTED';
  constructor(what: string) {
    super('INTERRUPTED', `${what} interrupted: DSM may have applied it.`);
  }
}

/** Thrown by any call on a controller after its `dispose()`, and to a request it ended. */
export class WorkflowDisposedError extends DsmError {
  override readonly name: string = 'WorkflowDisposedError';
  declare readonly code: 'DISPOSED';
  constructor(what = '2FA configuration workflow') {
    super('DISPOSED', `${what} disposed: create a new one.`);
  }
}

/**
 * Thrown for bad input to a controller or helper before anything is sent (an empty password, a
 * multi-line name, an option out of range…). The message names the input, never its value.
 */
export class InvalidInputError extends DsmError {
  override readonly name: string = 'InvalidInputError';
  declare readonly code: 'INVALID_INPUT';
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/**
 * Thrown by every restore for a snapshot it cannot trust or resume; `reason` says why (see
 * `SnapshotRefusalReason`): `forged`, `unsigned` and `foreign` mean the stored value is not what
 * this user's `persist()` wrote with your `snapshotKey` (drop it; investigate the storage). The
 * message never holds a value read from the snapshot.
 */
export class InvalidSnapshotError extends DsmError {
  override readonly name: string = 'InvalidSnapshotError';
  declare readonly code: 'INVALID_SNAPSHOT';
  readonly reason: SnapshotRefusalReason;

  constructor(message: string, reason: SnapshotRefusalReason = 'unusable') {
    super('INVALID_SNAPSHOT', message);
    this.reason = reason;
  }
}

/** Thrown when `onPasswordRequired` gave no password; the operation was not sent. */
export class PasswordNotProvidedError extends DsmError {
  override readonly name: string = 'PasswordNotProvidedError';
  declare readonly code: 'PASSWORD_NOT_PROVIDED';
  constructor() {
    super('PASSWORD_NOT_PROVIDED', 'No password given; still locked.');
  }
}

/**
 * Thrown by `unlock` when DSM's answer came after the window it opens would have closed. The
 * workflow terminates (or waits out DSM's deadline), then reports `locked` (`lostAnswer`).
 */
export class UnlockAnswerTooLateError extends DsmError {
  override readonly name: string = 'UnlockAnswerTooLateError';
  declare readonly code: 'UNLOCK_TOO_LATE';
  constructor() {
    super('UNLOCK_TOO_LATE', 'Unlock answered too late: unlock again.');
  }
}

/**
 * Stands in for a foreign failure wherever state, events or the inspector could see it, so
 * their text is the library's own. The caller's promise still gets the original error.
 */
export class UnexpectedFailureError extends DsmError {
  override readonly name: string = 'UnexpectedFailureError';
  declare readonly code: 'UNEXPECTED';
  constructor() {
    super('UNEXPECTED', 'Unexpected failure; the caller got the error.');
  }
}
