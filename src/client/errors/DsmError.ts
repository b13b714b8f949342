/** Every `code` a `DsmError` can carry. Stable: apps and the statechart switch on these strings. */
export type DsmErrorCode =
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
  | 'INVALID_OPTIONS';

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
 * The base of every error the DSM client throws; never thrown itself.
 *
 * `code` names the failure (see `DsmErrorCode`). No subclass puts a password, bearer token or
 * API key in its message, its fields, `toJSON()` or `util.inspect()` output: text that comes
 * from DSM has the request's secrets replaced by `[redacted]` before it is stored.
 */
export abstract class DsmError extends Error {
  /** The class name, set by each class as a string so that minifiers cannot change it. */
  abstract override readonly name: string;
  readonly code: DsmErrorCode;

  constructor(code: DsmErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Fields worth logging beyond name, code and message; subclasses add theirs. */
  protected details(): Record<string, unknown> {
    return {};
  }

  toJSON(): DsmErrorJson {
    const details = Object.fromEntries(
      Object.entries(this.details()).filter(([, value]) => value !== undefined),
    );
    return { name: this.name, code: this.code, message: this.message, ...details };
  }
}
