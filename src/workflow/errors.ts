import { DsmError } from '../client/errors/DsmError.js';
import type { SnapshotRefusalReason } from '../persistence/openSnapshot.js';

/**
 * The codes of the errors the 2FA-configuration workflow raises itself, a part of
 * `DsmErrorCode` (DSM's errors reach the caller with the client's codes). `SESSION_EXPIRED`,
 * `BUSY`, `INTERRUPTED`, `DISPOSED`, `INVALID_INPUT` and `INVALID_SNAPSHOT` are the sign-in's too,
 * with the same classes.
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
 * Thrown by a config operation (add/remove/rename device, new device challenge, recovery codes,
 * enable/disable 2FA, `registerSecurityKey`) while the configuration is not unlocked, or its
 * deadline has passed. No request was sent. No fields beyond `code` and `message`.
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
 * configuration is unlocked: DSM cannot use the 2FA device then. No request was sent. No fields
 * beyond `code` and `message`.
 */
export class TwoFactorConfigUnlockedError extends DsmError {
  override readonly name: string = 'TwoFactorConfigUnlockedError';
  declare readonly code: 'CONFIG_UNLOCKED';
  constructor(message = '2FA configuration unlocked: lock it first.') {
    super('CONFIG_UNLOCKED', message);
  }
}

/**
 * Thrown when the DSM session has ended: DSM answered 401 to a bearer call (the workflow after
 * asking Refresh; the sign-in at once), the sign-in's idle timeout ran out, or a call needs the
 * session after it expired. Sign in again; a 2FA-configuration workflow then continues with
 * `resumeSession`. `cause` is the client's `DsmUnauthorizedError` when DSM's 401 was the reason.
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
 * showed the session alive. The configuration stays locked. No fields beyond `code` and
 * `message`.
 */
export class WrongPasswordError extends DsmError {
  override readonly name: string = 'WrongPasswordError';
  declare readonly code: 'WRONG_PASSWORD';
  constructor(options?: { cause?: unknown }) {
    super('WRONG_PASSWORD', 'Wrong password; still locked.', options);
  }
}

/**
 * Thrown when a controller cannot take a request now because another of its requests is in
 * flight: the sign-in (a second `signIn` or `completeWith…` while one runs), or the workflow's
 * machine refusing an event (a raw `actor.send` user only). No request was sent.
 */
export class WorkflowBusyError extends DsmError {
  override readonly name: string = 'WorkflowBusyError';
  declare readonly code: 'BUSY';
  constructor() {
    super('BUSY', 'Busy with another request: retry later.');
  }
}

/**
 * Thrown for an operation kind the workflow does not know (a raw `actor.send` user, or an
 * untyped caller). No request was sent. The message quotes at most 64 characters of the kind.
 */
export class UnknownOperationError extends DsmError {
  override readonly name: string = 'UnknownOperationError';
  declare readonly code: 'UNKNOWN_OPERATION';
  constructor(kind: string) {
    super('UNKNOWN_OPERATION', `Unknown operation "${kind.slice(0, 64)}".`);
  }
}

/**
 * Thrown when a controller left the state a request ran in before DSM answered: the workflow
 * by a lock, the deadline or dispose; the sign-in by a sign-out or dispose. DSM may or may not
 * have applied the request (read the user, or sign in again, to know). `what` in the message
 * names the request, e.g. `unlock` or `sign-in`.
 */
export class OperationInterruptedError extends DsmError {
  override readonly name: string = 'OperationInterruptedError';
  declare readonly code: 'INTERRUPTED';
  constructor(what: string) {
    super('INTERRUPTED', `${what} interrupted: DSM may have applied it.`);
  }
}

/**
 * Thrown by any call on a 2FA-configuration workflow or a sign-in after its `dispose()`, and to
 * a request that `dispose()` ended. Create a new one. `what` in the message names the controller.
 */
export class WorkflowDisposedError extends DsmError {
  override readonly name: string = 'WorkflowDisposedError';
  declare readonly code: 'DISPOSED';
  constructor(what = '2FA configuration workflow') {
    super('DISPOSED', `${what} disposed: create a new one.`);
  }
}

/**
 * Thrown for bad input to a controller or helper before anything is sent: an empty password,
 * email or recovery code, an empty or multi-line device name, a missing client, an option out
 * of range, an unusable `snapshotKey`. The message names the input, never its value.
 */
export class InvalidInputError extends DsmError {
  override readonly name: string = 'InvalidInputError';
  declare readonly code: 'INVALID_INPUT';
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/**
 * Thrown by `restoreTwoFactorConfig({ snapshot })`, `fromPersisted`, `withStoredTwoFactorConfig`,
 * `createSignIn({ snapshot })` and `fromPersistedSignIn` for a snapshot they cannot trust or
 * cannot resume. `reason` says why: `forged`, `unsigned` and `foreign` mean the stored value is
 * not what this user's `persist()` wrote with your `snapshotKey` (drop it; investigate the
 * storage); see `SnapshotRefusalReason`. The message is this library's text only, never a
 * value read from the snapshot.
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

/**
 * Thrown when `onPasswordRequired` gave no password (the user cancelled the prompt); the
 * configuration stays locked and the operation that asked was not sent.
 */
export class PasswordNotProvidedError extends DsmError {
  override readonly name: string = 'PasswordNotProvidedError';
  declare readonly code: 'PASSWORD_NOT_PROVIDED';
  constructor() {
    super('PASSWORD_NOT_PROVIDED', 'No password given; still locked.');
  }
}

/**
 * Thrown by `unlock` when DSM's answer arrived after the window it opens would already have
 * closed (a suspend in flight, a slow server, a short window). The workflow does not unlock: it
 * terminates, or waits out DSM's own deadline, and then reports `locked` (reason `lostAnswer`).
 */
export class UnlockAnswerTooLateError extends DsmError {
  override readonly name: string = 'UnlockAnswerTooLateError';
  declare readonly code: 'UNLOCK_TOO_LATE';
  constructor() {
    super('UNLOCK_TOO_LATE', 'Unlock answered too late: unlock again.');
  }
}

/**
 * Stands in for a failure that is not one of the library's errors (a bug, a foreign throw)
 * wherever the workflow's state, events or inspector could see it: their text is the
 * library's own. The caller's promise still receives the original error.
 */
export class UnexpectedFailureError extends DsmError {
  override readonly name: string = 'UnexpectedFailureError';
  declare readonly code: 'UNEXPECTED';
  constructor() {
    super('UNEXPECTED', 'Unexpected failure; the caller got the error.');
  }
}
