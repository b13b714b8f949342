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

/** The error class behind each code. */
export interface DsmErrorByCode {
  HTTP_ERROR: DsmHttpError;
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
}

/**
 * Whether `error` is one of the client's errors, optionally with a given `code`; narrows to
 * the matching class (`isDsmError(e, 'FORBIDDEN')` gives `DsmForbiddenError`).
 */
export function isDsmError(error: unknown): error is DsmError;
export function isDsmError<C extends DsmErrorCode>(
  error: unknown,
  code: C,
): error is DsmErrorByCode[C];
export function isDsmError(error: unknown, code?: DsmErrorCode): boolean {
  return error instanceof DsmError && (code === undefined || error.code === code);
}
