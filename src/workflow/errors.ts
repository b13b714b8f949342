import type { SnapshotRefusalReason } from '../persistence/refusal.js';

/** Codes of the errors the workflow itself raises (DSM's errors keep the client's codes). */
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

/** Base class of the workflow's errors: a stable `code`, a message a person can act on. */
export class TwoFactorConfigError extends Error {
  readonly code: TwoFactorConfigErrorCode;

  constructor(code: TwoFactorConfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TwoFactorConfigError';
    this.code = code;
  }

  toJSON(): { name: string; code: string; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/**
 * Thrown by a config operation (add/remove/rename device, new device challenge, recovery codes)
 * while the configuration is not unlocked, or its deadline has passed. No request was sent.
 */
export class TwoFactorConfigLockedError extends TwoFactorConfigError {
  constructor(message = 'The 2FA configuration is locked. Unlock it with the password first.') {
    super('CONFIG_LOCKED', message);
    this.name = 'TwoFactorConfigLockedError';
  }
}

/**
 * Thrown by an approval operation (challenge, approve, deny) while the configuration is
 * unlocked: DSM cannot use the 2FA device then. No request was sent.
 */
export class TwoFactorConfigUnlockedError extends TwoFactorConfigError {
  constructor(
    message = 'The 2FA configuration is unlocked, so the security key cannot approve anything. Lock it first.',
  ) {
    super('CONFIG_UNLOCKED', message);
    this.name = 'TwoFactorConfigUnlockedError';
  }
}

/** Thrown when DSM says the session expired (401); supply a new session with `resumeSession`. */
export class SessionExpiredError extends TwoFactorConfigError {
  constructor(options?: { cause?: unknown }) {
    super('SESSION_EXPIRED', 'The DSM session expired. Sign in again and resume.', options);
    this.name = 'SessionExpiredError';
  }
}

/**
 * Thrown by `unlock` when DSM refused the password: Config2faAuth answered 401 and Refresh
 * showed the session alive. The configuration stays locked.
 */
export class WrongPasswordError extends TwoFactorConfigError {
  constructor(options?: { cause?: unknown }) {
    super('WRONG_PASSWORD', 'DSM refused the password. The configuration stays locked.', options);
    this.name = 'WrongPasswordError';
  }
}

/** Thrown when the machine could not take the request now (a raw `actor.send` user only). */
export class WorkflowBusyError extends TwoFactorConfigError {
  constructor() {
    super('BUSY', 'Another request of this workflow is in flight; try again when it settles.');
    this.name = 'WorkflowBusyError';
  }
}

/** Thrown for an operation kind the workflow does not know. No request was sent. */
export class UnknownOperationError extends TwoFactorConfigError {
  constructor(kind: string) {
    super('UNKNOWN_OPERATION', `Unknown operation "${kind.slice(0, 64)}".`);
    this.name = 'UnknownOperationError';
  }
}

/**
 * Thrown when the workflow left the state a request ran in before DSM answered (a lock, the
 * deadline, dispose). DSM may or may not have applied the change: read the user to know.
 */
export class OperationInterruptedError extends TwoFactorConfigError {
  constructor(what: string) {
    super(
      'INTERRUPTED',
      `The ${what} was interrupted before DSM answered; DSM may or may not have applied it.`,
    );
    this.name = 'OperationInterruptedError';
  }
}

/** Thrown by any call after `dispose()`. */
export class WorkflowDisposedError extends TwoFactorConfigError {
  constructor() {
    super('DISPOSED', 'This 2FA configuration workflow was disposed; create a new one.');
    this.name = 'WorkflowDisposedError';
  }
}

/** Thrown for bad input before anything is sent: an empty password, a malformed argument. */
export class InvalidInputError extends TwoFactorConfigError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
    this.name = 'InvalidInputError';
  }
}

/**
 * Thrown by `createTwoFactorConfig({ snapshot })` (and `fromPersisted`,
 * `withStoredTwoFactorConfig`) for a snapshot it cannot trust or cannot resume. `reason` says
 * why: `forged`, `unsigned` and `foreign` mean the stored value is not what this user's
 * `persist()` wrote with your `snapshotKey` (drop it; investigate the storage); see
 * `SnapshotRefusalReason`. The message is this library's text only, never a value read from
 * the snapshot.
 */
export class InvalidSnapshotError extends TwoFactorConfigError {
  readonly reason: SnapshotRefusalReason;

  constructor(message: string, reason: SnapshotRefusalReason = 'unusable') {
    super('INVALID_SNAPSHOT', message);
    this.name = 'InvalidSnapshotError';
    this.reason = reason;
  }
}

/** Thrown when `onPasswordRequired` gave no password (the user cancelled the prompt). */
export class PasswordNotProvidedError extends TwoFactorConfigError {
  constructor() {
    super('PASSWORD_NOT_PROVIDED', 'No password was given, so the configuration stays locked.');
    this.name = 'PasswordNotProvidedError';
  }
}

/**
 * Thrown by `unlock` when DSM's answer arrived after the window it opens would already have
 * closed (a suspend in flight, a slow server, a short window). The workflow does not unlock: it
 * terminates, or waits out DSM's own deadline, and then reports `locked` (reason `lostAnswer`).
 */
export class UnlockAnswerTooLateError extends TwoFactorConfigError {
  constructor() {
    super(
      'UNLOCK_TOO_LATE',
      "DSM's answer to the unlock came after its window had closed, so the configuration is being locked again. Unlock again.",
    );
    this.name = 'UnlockAnswerTooLateError';
  }
}

/**
 * Stands in for a failure that is not one of the library's errors (a bug, a foreign throw)
 * wherever the workflow's state, events or inspector could see it: their text is the
 * library's own. The caller's promise still receives the original error.
 */
export class UnexpectedFailureError extends TwoFactorConfigError {
  constructor() {
    super(
      'UNEXPECTED',
      'The request failed in an unexpected way; see the error the call rejected with.',
    );
    this.name = 'UnexpectedFailureError';
  }
}
