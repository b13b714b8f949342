import type * as signIn from '../../signIn/errors.js';
import type * as webauthn from '../../webauthn/errors.js';
import type * as workflow from '../../workflow/errors.js';
import type * as secret from '../secret.js';
import type { DsmErrorCode } from './DsmError.js';
import { DsmError } from './DsmError.js';
import type * as http from './httpErrors.js';
import type * as setup from './setupErrors.js';
import type * as transport from './transportErrors.js';
import type * as validation from './validationErrors.js';

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

/** The instances of the classes that modules export (each module on its own). */
type ErrorsOf<M> = M extends unknown
  ? { [K in keyof M]: M[K] extends abstract new (...args: never[]) => infer E ? E : never }[keyof M]
  : never;
type AnyDsmError = ErrorsOf<
  | typeof http
  | typeof setup
  | typeof transport
  | typeof validation
  | typeof secret
  | typeof workflow
  | typeof signIn
  | typeof webauthn
>;

/**
 * The one class behind each code: `isDsmError(error, code)` narrows to it. The classes live
 * beside what throws them (the client here, the workflow, the sign-in, the WebAuthn helpers);
 * all extend `DsmError`. (`HTTP_ERROR` is a `DsmHttpError` that is none of its subclasses.)
 */
export type DsmErrorByCode = {
  [C in DsmErrorCode]: C extends 'HTTP_ERROR'
    ? http.DsmHttpError & { readonly code: 'HTTP_ERROR' }
    : Extract<AnyDsmError, { readonly code: C }>;
};

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
