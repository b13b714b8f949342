import { describe, expectTypeOf, it } from 'vitest';
import {
  type AlreadySignedInError,
  type DsmAbortedError,
  type DsmBadRequestError,
  type DsmConflictError,
  type DsmError,
  type DsmErrorByCode,
  type DsmErrorCode,
  type DsmForbiddenError,
  type DsmForbiddenReason,
  type DsmHttpError,
  type DsmLockedError,
  type DsmMissingCredentialsError,
  type DsmNetworkError,
  type DsmNotFoundError,
  type DsmOptionsError,
  type DsmRateLimitedError,
  type DsmRequestValidationError,
  type DsmResponseValidationError,
  type DsmTimeoutError,
  type DsmUnauthorizedError,
  type DsmValidationIssue,
  type InsecureBaseUrlError,
  type InvalidInputError,
  type InvalidSignInSnapshotError,
  type InvalidSnapshotError,
  isDsmError,
  type NotAwaitingSecondFactorError,
  type OperationInterruptedError,
  type PasswordNotProvidedError,
  type SecondFactorFailedError,
  type SecurityKeyAlreadyRegisteredError,
  type SecurityKeyCancelledError,
  type SecurityKeyError,
  type SecurityKeyErrorCode,
  type SecurityKeyFailedError,
  type SecurityKeyRpMismatchError,
  type SecurityKeyUnsupportedError,
  type SessionExpiredError,
  type SignedOutError,
  type SignInBusyError,
  type SignInDisposedError,
  type SignInErrorCode,
  type SignInFailedError,
  type SignInInterruptedError,
  type SignInInvalidInputError,
  type SignInRateLimitedError,
  type SignInSessionExpiredError,
  type SnapshotRefusalReason,
  type TwoFactorConfigErrorCode,
  type TwoFactorConfigLockedError,
  type TwoFactorConfigUnlockedError,
  type UnexpectedFailureError,
  type UnknownOperationError,
  type UnlockAnswerTooLateError,
  type WorkflowBusyError,
  type WorkflowDisposedError,
  type WrongPasswordError,
} from '../../src/index.js';

declare const error: unknown;

describe('one error family, typed', () => {
  it('narrows isDsmError(e, code) to the one class of each code', () => {
    if (isDsmError(error, 'HTTP_ERROR')) {
      expectTypeOf(error).toEqualTypeOf<DsmHttpError & { readonly code: 'HTTP_ERROR' }>();
      expectTypeOf(error).toExtend<DsmHttpError>();
    }
    if (isDsmError(error, 'BAD_REQUEST')) expectTypeOf(error).toEqualTypeOf<DsmBadRequestError>();
    if (isDsmError(error, 'UNAUTHORIZED'))
      expectTypeOf(error).toEqualTypeOf<DsmUnauthorizedError>();
    if (isDsmError(error, 'FORBIDDEN')) expectTypeOf(error).toEqualTypeOf<DsmForbiddenError>();
    if (isDsmError(error, 'NOT_FOUND')) expectTypeOf(error).toEqualTypeOf<DsmNotFoundError>();
    if (isDsmError(error, 'CONFLICT')) expectTypeOf(error).toEqualTypeOf<DsmConflictError>();
    if (isDsmError(error, 'LOCKED')) expectTypeOf(error).toEqualTypeOf<DsmLockedError>();
    if (isDsmError(error, 'RATE_LIMITED')) expectTypeOf(error).toEqualTypeOf<DsmRateLimitedError>();
    if (isDsmError(error, 'NETWORK')) expectTypeOf(error).toEqualTypeOf<DsmNetworkError>();
    if (isDsmError(error, 'TIMEOUT')) expectTypeOf(error).toEqualTypeOf<DsmTimeoutError>();
    if (isDsmError(error, 'ABORTED')) expectTypeOf(error).toEqualTypeOf<DsmAbortedError>();
    if (isDsmError(error, 'INVALID_RESPONSE'))
      expectTypeOf(error).toEqualTypeOf<DsmResponseValidationError>();
    if (isDsmError(error, 'INVALID_REQUEST'))
      expectTypeOf(error).toEqualTypeOf<DsmRequestValidationError>();
    if (isDsmError(error, 'INSECURE_BASE_URL'))
      expectTypeOf(error).toEqualTypeOf<InsecureBaseUrlError>();
    if (isDsmError(error, 'MISSING_CREDENTIALS'))
      expectTypeOf(error).toEqualTypeOf<DsmMissingCredentialsError>();
    if (isDsmError(error, 'INVALID_OPTIONS')) expectTypeOf(error).toEqualTypeOf<DsmOptionsError>();
    if (isDsmError(error, 'SESSION_EXPIRED'))
      expectTypeOf(error).toEqualTypeOf<SessionExpiredError>();
    if (isDsmError(error, 'BUSY')) expectTypeOf(error).toEqualTypeOf<WorkflowBusyError>();
    if (isDsmError(error, 'INTERRUPTED'))
      expectTypeOf(error).toEqualTypeOf<OperationInterruptedError>();
    if (isDsmError(error, 'DISPOSED')) expectTypeOf(error).toEqualTypeOf<WorkflowDisposedError>();
    if (isDsmError(error, 'INVALID_INPUT')) expectTypeOf(error).toEqualTypeOf<InvalidInputError>();
    if (isDsmError(error, 'INVALID_SNAPSHOT'))
      expectTypeOf(error).toEqualTypeOf<InvalidSnapshotError>();
    if (isDsmError(error, 'CONFIG_LOCKED'))
      expectTypeOf(error).toEqualTypeOf<TwoFactorConfigLockedError>();
    if (isDsmError(error, 'CONFIG_UNLOCKED'))
      expectTypeOf(error).toEqualTypeOf<TwoFactorConfigUnlockedError>();
    if (isDsmError(error, 'WRONG_PASSWORD'))
      expectTypeOf(error).toEqualTypeOf<WrongPasswordError>();
    if (isDsmError(error, 'UNKNOWN_OPERATION'))
      expectTypeOf(error).toEqualTypeOf<UnknownOperationError>();
    if (isDsmError(error, 'PASSWORD_NOT_PROVIDED'))
      expectTypeOf(error).toEqualTypeOf<PasswordNotProvidedError>();
    if (isDsmError(error, 'UNLOCK_TOO_LATE'))
      expectTypeOf(error).toEqualTypeOf<UnlockAnswerTooLateError>();
    if (isDsmError(error, 'UNEXPECTED'))
      expectTypeOf(error).toEqualTypeOf<UnexpectedFailureError>();
    if (isDsmError(error, 'SIGN_IN_FAILED')) expectTypeOf(error).toEqualTypeOf<SignInFailedError>();
    if (isDsmError(error, 'SECOND_FACTOR_FAILED'))
      expectTypeOf(error).toEqualTypeOf<SecondFactorFailedError>();
    if (isDsmError(error, 'SIGNED_OUT')) expectTypeOf(error).toEqualTypeOf<SignedOutError>();
    if (isDsmError(error, 'ALREADY_SIGNED_IN'))
      expectTypeOf(error).toEqualTypeOf<AlreadySignedInError>();
    if (isDsmError(error, 'NOT_AWAITING_SECOND_FACTOR'))
      expectTypeOf(error).toEqualTypeOf<NotAwaitingSecondFactorError>();
    if (isDsmError(error, 'WEBAUTHN_CANCELLED'))
      expectTypeOf(error).toEqualTypeOf<SecurityKeyCancelledError>();
    if (isDsmError(error, 'WEBAUTHN_ALREADY_REGISTERED'))
      expectTypeOf(error).toEqualTypeOf<SecurityKeyAlreadyRegisteredError>();
    if (isDsmError(error, 'WEBAUTHN_UNSUPPORTED'))
      expectTypeOf(error).toEqualTypeOf<SecurityKeyUnsupportedError>();
    if (isDsmError(error, 'WEBAUTHN_RP_MISMATCH'))
      expectTypeOf(error).toEqualTypeOf<SecurityKeyRpMismatchError>();
    if (isDsmError(error, 'WEBAUTHN_FAILED'))
      expectTypeOf(error).toEqualTypeOf<SecurityKeyFailedError>();
  });

  it('lists every code of the library in one union, each the code of its class', () => {
    expectTypeOf<DsmErrorCode>().toEqualTypeOf<
      | 'HTTP_ERROR'
      | 'BAD_REQUEST'
      | 'UNAUTHORIZED'
      | 'FORBIDDEN'
      | 'NOT_FOUND'
      | 'CONFLICT'
      | 'LOCKED'
      | 'RATE_LIMITED'
      | 'NETWORK'
      | 'TIMEOUT'
      | 'ABORTED'
      | 'INVALID_RESPONSE'
      | 'INVALID_REQUEST'
      | 'INSECURE_BASE_URL'
      | 'MISSING_CREDENTIALS'
      | 'INVALID_OPTIONS'
      | 'SECRET_CLEARED'
      | 'SESSION_EXPIRED'
      | 'BUSY'
      | 'INTERRUPTED'
      | 'DISPOSED'
      | 'INVALID_INPUT'
      | 'INVALID_SNAPSHOT'
      | 'CONFIG_LOCKED'
      | 'CONFIG_UNLOCKED'
      | 'WRONG_PASSWORD'
      | 'UNKNOWN_OPERATION'
      | 'PASSWORD_NOT_PROVIDED'
      | 'UNLOCK_TOO_LATE'
      | 'UNEXPECTED'
      | 'SIGN_IN_FAILED'
      | 'SECOND_FACTOR_FAILED'
      | 'SIGNED_OUT'
      | 'ALREADY_SIGNED_IN'
      | 'NOT_AWAITING_SECOND_FACTOR'
      | 'WEBAUTHN_CANCELLED'
      | 'WEBAUTHN_ALREADY_REGISTERED'
      | 'WEBAUTHN_UNSUPPORTED'
      | 'WEBAUTHN_RP_MISMATCH'
      | 'WEBAUTHN_FAILED'
    >();
    expectTypeOf<keyof DsmErrorByCode>().toEqualTypeOf<DsmErrorCode>();
    expectTypeOf<{ [C in DsmErrorCode]: DsmErrorByCode[C]['code'] }>().toEqualTypeOf<{
      [C in DsmErrorCode]: C;
    }>();
    expectTypeOf<DsmErrorByCode[DsmErrorCode]>().toExtend<DsmError>();
  });

  it('narrows to DsmError without a code, and refuses a code that does not exist', () => {
    if (isDsmError(error)) expectTypeOf(error.code).toEqualTypeOf<DsmErrorCode>();
    // @ts-expect-error: not a code
    isDsmError(error, 'SECRET');
    // @ts-expect-error: codes are upper case
    isDsmError(error, 'rate_limited');
  });

  it('gives each family a part of the one union', () => {
    expectTypeOf<TwoFactorConfigErrorCode>().toExtend<DsmErrorCode>();
    expectTypeOf<SignInErrorCode>().toExtend<DsmErrorCode>();
    expectTypeOf<SecurityKeyErrorCode>().toExtend<DsmErrorCode>();
    expectTypeOf<SecurityKeyError>().toExtend<DsmError>();
    expectTypeOf<SecurityKeyError['code']>().toEqualTypeOf<SecurityKeyErrorCode>();
  });

  it('keeps the fields each class documents', () => {
    if (isDsmError(error, 'RATE_LIMITED')) {
      expectTypeOf(error.retryAfterMs).toEqualTypeOf<number | undefined>();
      expectTypeOf(error.status).toEqualTypeOf<number>();
      expectTypeOf(error.untrustedServerText()).toEqualTypeOf<string>();
    }
    if (isDsmError(error, 'FORBIDDEN'))
      expectTypeOf(error.reason).toEqualTypeOf<DsmForbiddenReason>();
    if (isDsmError(error, 'INVALID_SNAPSHOT')) {
      expectTypeOf(error.reason).toEqualTypeOf<SnapshotRefusalReason>();
    }
    if (isDsmError(error, 'INVALID_REQUEST')) {
      expectTypeOf(error.issues).toEqualTypeOf<readonly DsmValidationIssue[]>();
    }
    if (isDsmError(error, 'SECOND_FACTOR_FAILED')) {
      expectTypeOf(error.method).toEqualTypeOf<'fido2' | 'recoveryCode'>();
    }
    if (isDsmError(error, 'WEBAUTHN_CANCELLED')) {
      expectTypeOf(error.ceremony).toEqualTypeOf<'create' | 'get'>();
    }
  });

  it("keeps the sign-in's old names as the classes of their codes", () => {
    expectTypeOf<SignInRateLimitedError>().toEqualTypeOf<DsmRateLimitedError>();
    expectTypeOf<SignInSessionExpiredError>().toEqualTypeOf<SessionExpiredError>();
    expectTypeOf<SignInBusyError>().toEqualTypeOf<WorkflowBusyError>();
    expectTypeOf<SignInInterruptedError>().toEqualTypeOf<OperationInterruptedError>();
    expectTypeOf<SignInDisposedError>().toEqualTypeOf<WorkflowDisposedError>();
    expectTypeOf<SignInInvalidInputError>().toEqualTypeOf<InvalidInputError>();
    expectTypeOf<InvalidSignInSnapshotError>().toEqualTypeOf<InvalidSnapshotError>();
  });
});
