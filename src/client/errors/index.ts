import type {
  AlreadySignedInError,
  NotAwaitingSecondFactorError,
  SecondFactorFailedError,
  SignedOutError,
  SignInFailedError,
} from '../../signIn/errors.js';
import type {
  SecurityKeyAlreadyRegisteredError,
  SecurityKeyCancelledError,
  SecurityKeyFailedError,
  SecurityKeyRpMismatchError,
  SecurityKeyUnsupportedError,
} from '../../webauthn/errors.js';
import type {
  InvalidInputError,
  InvalidSnapshotError,
  OperationInterruptedError,
  PasswordNotProvidedError,
  SessionExpiredError,
  TwoFactorConfigLockedError,
  TwoFactorConfigUnlockedError,
  UnexpectedFailureError,
  UnknownOperationError,
  UnlockAnswerTooLateError,
  WorkflowBusyError,
  WorkflowDisposedError,
  WrongPasswordError,
} from '../../workflow/errors.js';
import type { SecretClearedError } from '../secret.js';
import type { DsmErrorCode } from './DsmError.js';
import { DsmError } from './DsmError.js';
import type {
  DsmBadRequestError,
  DsmConflictError,
  DsmForbiddenError,
  DsmHttpError,
  DsmLockedError,
  DsmNotFoundError,
  DsmRateLimitedError,
  DsmUnauthorizedError,
} from './httpErrors.js';
import type {
  DsmMissingCredentialsError,
  DsmOptionsError,
  InsecureBaseUrlError,
} from './setupErrors.js';
import type { DsmAbortedError, DsmNetworkError, DsmTimeoutError } from './transportErrors.js';
import type { DsmRequestValidationError, DsmResponseValidationError } from './validationErrors.js';

export type { DsmErrorCode, DsmErrorJson } from './DsmError.js';
export { DsmError } from './DsmError.js';
export type { DsmForbiddenReason, DsmHttpErrorCode, DsmHttpErrorInit } from './httpErrors.js';
export {
  DsmBadRequestError,
  DsmConflictError,
  DsmForbiddenError,
  DsmHttpError,
  DsmLockedError,
  DsmNotFoundError,
  DsmRateLimitedError,
  DsmUnauthorizedError,
} from './httpErrors.js';
export {
  DsmMissingCredentialsError,
  DsmOptionsError,
  InsecureBaseUrlError,
} from './setupErrors.js';
export { DsmAbortedError, DsmNetworkError, DsmTimeoutError } from './transportErrors.js';
export type { DsmValidationIssue } from './validationErrors.js';
export {
  DsmRequestValidationError,
  DsmResponseValidationError,
} from './validationErrors.js';

/**
 * The one class behind each code: `isDsmError(error, code)` narrows to it. The classes live
 * beside what throws them (the client here, the workflow, the sign-in, the WebAuthn helpers);
 * all extend `DsmError`. (`HTTP_ERROR` is a `DsmHttpError` that is none of its subclasses.)
 */
export interface DsmErrorByCode {
  HTTP_ERROR: DsmHttpError & { readonly code: 'HTTP_ERROR' };
  BAD_REQUEST: DsmBadRequestError;
  UNAUTHORIZED: DsmUnauthorizedError;
  FORBIDDEN: DsmForbiddenError;
  NOT_FOUND: DsmNotFoundError;
  CONFLICT: DsmConflictError;
  LOCKED: DsmLockedError;
  RATE_LIMITED: DsmRateLimitedError;
  NETWORK: DsmNetworkError;
  TIMEOUT: DsmTimeoutError;
  ABORTED: DsmAbortedError;
  INVALID_RESPONSE: DsmResponseValidationError;
  INVALID_REQUEST: DsmRequestValidationError;
  INSECURE_BASE_URL: InsecureBaseUrlError;
  MISSING_CREDENTIALS: DsmMissingCredentialsError;
  INVALID_OPTIONS: DsmOptionsError;
  SECRET_CLEARED: SecretClearedError;
  SESSION_EXPIRED: SessionExpiredError;
  BUSY: WorkflowBusyError;
  INTERRUPTED: OperationInterruptedError;
  DISPOSED: WorkflowDisposedError;
  INVALID_INPUT: InvalidInputError;
  INVALID_SNAPSHOT: InvalidSnapshotError;
  CONFIG_LOCKED: TwoFactorConfigLockedError;
  CONFIG_UNLOCKED: TwoFactorConfigUnlockedError;
  WRONG_PASSWORD: WrongPasswordError;
  UNKNOWN_OPERATION: UnknownOperationError;
  PASSWORD_NOT_PROVIDED: PasswordNotProvidedError;
  UNLOCK_TOO_LATE: UnlockAnswerTooLateError;
  UNEXPECTED: UnexpectedFailureError;
  SIGN_IN_FAILED: SignInFailedError;
  SECOND_FACTOR_FAILED: SecondFactorFailedError;
  SIGNED_OUT: SignedOutError;
  ALREADY_SIGNED_IN: AlreadySignedInError;
  NOT_AWAITING_SECOND_FACTOR: NotAwaitingSecondFactorError;
  WEBAUTHN_CANCELLED: SecurityKeyCancelledError;
  WEBAUTHN_ALREADY_REGISTERED: SecurityKeyAlreadyRegisteredError;
  WEBAUTHN_UNSUPPORTED: SecurityKeyUnsupportedError;
  WEBAUTHN_RP_MISMATCH: SecurityKeyRpMismatchError;
  WEBAUTHN_FAILED: SecurityKeyFailedError;
}

/**
 * Whether `error` is one of this library's errors, optionally with a given `code`; narrows to
 * the one class of that code (`isDsmError(e, 'FORBIDDEN')` gives `DsmForbiddenError`,
 * `isDsmError(e, 'SESSION_EXPIRED')` gives `SessionExpiredError`).
 */
export function isDsmError(error: unknown): error is DsmError;
export function isDsmError<C extends DsmErrorCode>(
  error: unknown,
  code: C,
): error is DsmErrorByCode[C];
export function isDsmError(error: unknown, code?: DsmErrorCode): boolean {
  return error instanceof DsmError && (code === undefined || error.code === code);
}
