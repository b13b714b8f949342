import { DsmError } from '../client/errors/index.js';

/** The codes of the errors a security-key ceremony raises, a part of `DsmErrorCode`. */
export type SecurityKeyErrorCode =
  | 'WEBAUTHN_CANCELLED'
  | 'WEBAUTHN_ALREADY_REGISTERED'
  | 'WEBAUTHN_UNSUPPORTED'
  | 'WEBAUTHN_RP_MISMATCH'
  | 'WEBAUTHN_FAILED';

/** Which browser call failed: `navigator.credentials.create()` or `.get()`. */
export type CeremonyKind = 'create' | 'get';

/**
 * The base of the errors a WebAuthn ceremony raises. `ceremony` is the browser call that failed;
 * `cause` the browser's own error, if any (left out of `toJSON()`).
 */
export abstract class SecurityKeyError extends DsmError {
  declare readonly code: SecurityKeyErrorCode;
  readonly ceremony: CeremonyKind;

  constructor(
    code: SecurityKeyErrorCode,
    ceremony: CeremonyKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.ceremony = ceremony;
  }
}

/**
 * Thrown when the security-key prompt was cancelled, timed out or aborted. Nothing was sent to
 * DSM after the challenge.
 */
export class SecurityKeyCancelledError extends SecurityKeyError {
  override readonly name: string = 'SecurityKeyCancelledError';
  declare readonly code: 'WEBAUTHN_CANCELLED';
  constructor(ceremony: CeremonyKind, options?: { cause?: unknown }) {
    super(
      'WEBAUTHN_CANCELLED',
      ceremony,
      'The security key prompt was cancelled or timed out. Try again, and touch the key when it blinks.',
      options,
    );
  }
}

/** Thrown by a registration when the key is already registered for this account. */
export class SecurityKeyAlreadyRegisteredError extends SecurityKeyError {
  override readonly name: string = 'SecurityKeyAlreadyRegisteredError';
  declare readonly code: 'WEBAUTHN_ALREADY_REGISTERED';
  constructor(options?: { cause?: unknown }) {
    super(
      'WEBAUTHN_ALREADY_REGISTERED',
      'create',
      'This security key is already registered for this account. Use another key.',
      options,
    );
  }
}

/** Thrown when this environment cannot run the ceremony (no WebAuthn, or DSM's algorithm). */
export class SecurityKeyUnsupportedError extends SecurityKeyError {
  override readonly name: string = 'SecurityKeyUnsupportedError';
  declare readonly code: 'WEBAUTHN_UNSUPPORTED';
  constructor(ceremony: CeremonyKind, message?: string, options?: { cause?: unknown }) {
    super(
      'WEBAUTHN_UNSUPPORTED',
      ceremony,
      message ??
        'This browser cannot use security keys here (WebAuthn is unavailable or unsupported).',
      options,
    );
  }
}

/** Thrown when this page's origin does not belong to DSM's relying party (`SecurityError`). */
export class SecurityKeyRpMismatchError extends SecurityKeyError {
  override readonly name: string = 'SecurityKeyRpMismatchError';
  declare readonly code: 'WEBAUTHN_RP_MISMATCH';
  constructor(ceremony: CeremonyKind, options?: { cause?: unknown }) {
    super(
      'WEBAUTHN_RP_MISMATCH',
      ceremony,
      "This page's origin cannot use security keys for DSM's relying party. Open the page on the host DSM names as its rp id.",
      options,
    );
  }
}

/** Thrown for any other failure, or a response that is not a WebAuthn credential. */
export class SecurityKeyFailedError extends SecurityKeyError {
  override readonly name: string = 'SecurityKeyFailedError';
  declare readonly code: 'WEBAUTHN_FAILED';
  constructor(ceremony: CeremonyKind, message?: string, options?: { cause?: unknown }) {
    super(
      'WEBAUTHN_FAILED',
      ceremony,
      message ?? 'The security key could not complete the request. Try again or use another key.',
      options,
    );
  }
}
