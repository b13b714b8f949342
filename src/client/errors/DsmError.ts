import type { SignInErrorCode } from '../../signIn/errors.js';
import type { SecurityKeyErrorCode } from '../../webauthn/errors.js';
import type { TwoFactorConfigErrorCode } from '../../workflow/errors.js';
import type { DsmHttpErrorCode } from './httpErrors.js';

/**
 * Every `code` an error of this library can carry, one per class (see `DsmErrorByCode`).
 * Stable: apps and the statecharts switch on these strings.
 */
export type DsmErrorCode =
  | DsmHttpErrorCode
  // no usable answer
  | 'NETWORK'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'INVALID_RESPONSE'
  // refused before anything was sent: the client's input and options
  | 'INVALID_REQUEST'
  | 'INSECURE_BASE_URL'
  | 'MISSING_CREDENTIALS'
  | 'INVALID_OPTIONS'
  | 'SECRET_CLEARED'
  | TwoFactorConfigErrorCode
  | SignInErrorCode
  | SecurityKeyErrorCode;

/** The plain-data form of a `DsmError` (what `toJSON()` returns): safe to log, no secrets. */
export interface DsmErrorJson {
  name: string;
  code: DsmErrorCode;
  message: string;
  status?: number;
  operationId?: string;
  [detail: string]: unknown;
}

/**
 * The base of every error this library throws; never thrown itself.
 *
 * `code` names the failure (see `DsmErrorCode`); each code belongs to exactly one class, and
 * `isDsmError(error, code)` narrows to it. No subclass puts a password, bearer token, API key
 * or any text from DSM in its message, its fields, `toJSON()` or `util.inspect()` output: the
 * message is written by this library, and DSM's own text stays behind
 * `DsmHttpError.untrustedServerText()`.
 */
export abstract class DsmError extends Error {
  /** The class name, set by each class as a string so that minifiers cannot change it. */
  abstract override readonly name: string;
  readonly code: DsmErrorCode;

  constructor(code: DsmErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /**
   * Name, code, message and the fields a subclass adds (each documented on its class; those
   * left `undefined` are omitted). Never `cause` or `stack`, which are not enumerable.
   */
  toJSON(): DsmErrorJson {
    const { name, code, ...fields } = this as DsmError & Record<string, unknown>;
    const defined = Object.entries(fields).filter(([, value]) => value !== undefined);
    return { name, code, message: this.message, ...Object.fromEntries(defined) };
  }
}
