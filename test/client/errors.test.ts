import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import {
  AlreadySignedInError,
  DsmAbortedError,
  DsmBadRequestError,
  DsmConflictError,
  DsmError,
  type DsmErrorCode,
  DsmForbiddenError,
  DsmHttpError,
  DsmLockedError,
  DsmMissingCredentialsError,
  DsmNetworkError,
  DsmNotFoundError,
  DsmOptionsError,
  DsmRateLimitedError,
  DsmRequestValidationError,
  DsmResponseValidationError,
  DsmTimeoutError,
  DsmUnauthorizedError,
  InsecureBaseUrlError,
  InvalidInputError,
  InvalidSnapshotError,
  isDsmError,
  NotAwaitingSecondFactorError,
  OperationInterruptedError,
  PasswordNotProvidedError,
  SecondFactorFailedError,
  SecretClearedError,
  SecurityKeyAlreadyRegisteredError,
  SecurityKeyCancelledError,
  SecurityKeyError,
  SecurityKeyFailedError,
  SecurityKeyRpMismatchError,
  SecurityKeyUnsupportedError,
  SessionExpiredError,
  SignedOutError,
  SignInFailedError,
  TwoFactorConfigLockedError,
  TwoFactorConfigUnlockedError,
  UnexpectedFailureError,
  UnknownOperationError,
  UnlockAnswerTooLateError,
  WorkflowBusyError,
  WorkflowDisposedError,
  WrongPasswordError,
} from '../../src/index.js';

const SECRET = 'hunter2-Sup3r-Secret';
const SERVER_TEXT = `wrong password "${SECRET}" <script>alert(1)</script>`;
const http = (status: number) => ({ status, operationId: 'GetUser', serverText: SERVER_TEXT });

type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * Every code once, with its one class and an instance as the library throws it. A missing code
 * or one listed twice does not compile; a class listed under two codes, or one whose instances
 * carry another code, fails below (test/client/errors.test-d.ts checks the same at type level).
 */
const classByCode: { [C in DsmErrorCode]: [ErrorClass<DsmError>, () => DsmError] } = {
  HTTP_ERROR: [DsmHttpError, () => new DsmHttpError(http(500))],
  BAD_REQUEST: [DsmBadRequestError, () => new DsmBadRequestError(http(400))],
  UNAUTHORIZED: [DsmUnauthorizedError, () => new DsmUnauthorizedError(http(401))],
  FORBIDDEN: [DsmForbiddenError, () => new DsmForbiddenError(http(403))],
  NOT_FOUND: [DsmNotFoundError, () => new DsmNotFoundError(http(404))],
  CONFLICT: [DsmConflictError, () => new DsmConflictError(http(409))],
  LOCKED: [DsmLockedError, () => new DsmLockedError(http(423))],
  RATE_LIMITED: [DsmRateLimitedError, () => new DsmRateLimitedError(http(429))],
  NETWORK: [
    DsmNetworkError,
    () => new DsmNetworkError('GetUser', 'https://dsm.example', new Error('ECONNRESET')),
  ],
  TIMEOUT: [DsmTimeoutError, () => new DsmTimeoutError('GetUser', 1000)],
  ABORTED: [DsmAbortedError, () => new DsmAbortedError('GetUser')],
  INVALID_RESPONSE: [
    DsmResponseValidationError,
    () => new DsmResponseValidationError('GetUser', 200, [{ path: [], message: 'not JSON' }]),
  ],
  INVALID_REQUEST: [
    DsmRequestValidationError,
    () => new DsmRequestValidationError('Config2faAuth', [{ path: [], message: 'empty' }]),
  ],
  INSECURE_BASE_URL: [
    InsecureBaseUrlError,
    () => new InsecureBaseUrlError('insecure', 'http://dsm.example is not https.'),
  ],
  MISSING_CREDENTIALS: [
    DsmMissingCredentialsError,
    () => new DsmMissingCredentialsError('GetUser'),
  ],
  INVALID_OPTIONS: [DsmOptionsError, () => new DsmOptionsError('timeoutMs', 'a number')],
  SECRET_CLEARED: [SecretClearedError, () => new SecretClearedError()],
  SESSION_EXPIRED: [SessionExpiredError, () => new SessionExpiredError()],
  BUSY: [WorkflowBusyError, () => new WorkflowBusyError()],
  INTERRUPTED: [OperationInterruptedError, () => new OperationInterruptedError('unlock')],
  DISPOSED: [WorkflowDisposedError, () => new WorkflowDisposedError()],
  INVALID_INPUT: [InvalidInputError, () => new InvalidInputError('The password is empty.')],
  INVALID_SNAPSHOT: [
    InvalidSnapshotError,
    () => new InvalidSnapshotError('The snapshot was altered.', 'forged'),
  ],
  CONFIG_LOCKED: [TwoFactorConfigLockedError, () => new TwoFactorConfigLockedError()],
  CONFIG_UNLOCKED: [TwoFactorConfigUnlockedError, () => new TwoFactorConfigUnlockedError()],
  WRONG_PASSWORD: [WrongPasswordError, () => new WrongPasswordError()],
  UNKNOWN_OPERATION: [UnknownOperationError, () => new UnknownOperationError('fly')],
  PASSWORD_NOT_PROVIDED: [PasswordNotProvidedError, () => new PasswordNotProvidedError()],
  UNLOCK_TOO_LATE: [UnlockAnswerTooLateError, () => new UnlockAnswerTooLateError()],
  UNEXPECTED: [UnexpectedFailureError, () => new UnexpectedFailureError()],
  SIGN_IN_FAILED: [SignInFailedError, () => new SignInFailedError()],
  SECOND_FACTOR_FAILED: [SecondFactorFailedError, () => new SecondFactorFailedError('fido2')],
  SIGNED_OUT: [SignedOutError, () => new SignedOutError()],
  ALREADY_SIGNED_IN: [AlreadySignedInError, () => new AlreadySignedInError()],
  NOT_AWAITING_SECOND_FACTOR: [
    NotAwaitingSecondFactorError,
    () => new NotAwaitingSecondFactorError(),
  ],
  WEBAUTHN_CANCELLED: [
    SecurityKeyCancelledError,
    () =>
      new SecurityKeyCancelledError('get', {
        cause: new DOMException('timed out', 'NotAllowedError'),
      }),
  ],
  WEBAUTHN_ALREADY_REGISTERED: [
    SecurityKeyAlreadyRegisteredError,
    () => new SecurityKeyAlreadyRegisteredError(),
  ],
  WEBAUTHN_UNSUPPORTED: [SecurityKeyUnsupportedError, () => new SecurityKeyUnsupportedError('get')],
  WEBAUTHN_RP_MISMATCH: [SecurityKeyRpMismatchError, () => new SecurityKeyRpMismatchError('get')],
  WEBAUTHN_FAILED: [SecurityKeyFailedError, () => new SecurityKeyFailedError('create')],
};

const entries = Object.entries(classByCode) as [DsmErrorCode, (typeof classByCode)[DsmErrorCode]][];

/** Bases that own no code: each of their instances is one of the classes above. */
const bases: ReadonlySet<unknown> = new Set([DsmError, SecurityKeyError]);

describe('one error family: a code names exactly one class', () => {
  it('lists every code once, each with a class of its own', () => {
    const classes = entries.map(([, [errorClass]]) => errorClass);
    expect(new Set(classes).size).toBe(classes.length);
  });

  it.each(entries)(
    '%s: thrown as its class, which carries that code',
    (code, [errorClass, make]) => {
      const error = make();
      expect(error).toBeInstanceOf(errorClass);
      expect(error).toBeInstanceOf(DsmError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(errorClass.name);
      expect(isDsmError(error)).toBe(true);
      expect(isDsmError(error, code)).toBe(true);
      for (const [other] of entries)
        if (other !== code) expect(isDsmError(error, other)).toBe(false);
    },
  );

  it('exports no error class from the root beyond those, their bases and their old names', () => {
    const listed = new Set<unknown>(entries.map(([, [errorClass]]) => errorClass));
    const strays = Object.entries(root)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
      .filter(([, value]) => !listed.has(value) && !bases.has(value))
      .map(([name]) => name);
    expect(strays).toEqual([]);
  });

  it('keeps the old sign-in names working, as the one class of their code', () => {
    expect(root.SignInRateLimitedError).toBe(DsmRateLimitedError);
    expect(root.SignInSessionExpiredError).toBe(SessionExpiredError);
    expect(root.SignInBusyError).toBe(WorkflowBusyError);
    expect(root.SignInInterruptedError).toBe(OperationInterruptedError);
    expect(root.SignInDisposedError).toBe(WorkflowDisposedError);
    expect(root.SignInInvalidInputError).toBe(InvalidInputError);
    expect(root.InvalidSignInSnapshotError).toBe(InvalidSnapshotError);
  });

  it('says nothing is a DsmError that is not one', () => {
    expect(isDsmError(new Error('x'))).toBe(false);
    expect(isDsmError({ code: 'RATE_LIMITED', name: 'DsmRateLimitedError' }, 'RATE_LIMITED')).toBe(
      false,
    );
    expect(isDsmError(undefined)).toBe(false);
  });
});

describe('what an error shows', () => {
  it.each(entries)('%s: JSON and inspect hold only library text, no server text', (_, [, make]) => {
    const error = make();
    const json = error.toJSON();
    expect(Object.keys(json).slice(0, 3)).toEqual(['name', 'code', 'message']);
    const shown = [
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      error.message,
      String(error),
    ];
    for (const text of shown) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('<script>');
    }
  });

  it('keeps DSM text behind untrustedServerText() only', () => {
    const error = new DsmRateLimitedError(http(429));
    expect(error.untrustedServerText()).toBe(SERVER_TEXT);
  });

  it('tells a sign-in attempt refused locally from one DSM answered', () => {
    const answered = new DsmRateLimitedError({
      status: 429,
      operationId: 'Authenticate',
      retryAfterMs: 30_000,
    });
    const refused = new DsmRateLimitedError(
      { status: 429, operationId: 'Authenticate', retryAfterMs: 12_000 },
      { sent: false },
    );
    expect(answered.message).toBe(
      'DSM refused Authenticate with HTTP 429: too many attempts. Try again in 30 s.',
    );
    expect(refused.message).toBe(
      'DSM refused Authenticate with HTTP 429: too many attempts; this one was not sent. Try again in 12 s.',
    );
    expect(refused.toJSON()).toEqual({
      name: 'DsmRateLimitedError',
      code: 'RATE_LIMITED',
      message: refused.message,
      status: 429,
      operationId: 'Authenticate',
      retryAfterMs: 12_000,
    });
  });

  it('shows the fields each class documents', () => {
    expect(new InvalidSnapshotError('x', 'forged').toJSON()).toMatchObject({ reason: 'forged' });
    expect(new SecondFactorFailedError('recoveryCode').toJSON()).toMatchObject({
      method: 'recoveryCode',
    });
    expect(new SecurityKeyFailedError('get').toJSON()).toMatchObject({ ceremony: 'get' });
  });
});
