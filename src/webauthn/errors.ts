import { DsmError } from '../client/errors/DsmError.js';

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
 * The base of the errors a WebAuthn ceremony raises (`createCredentialFor`, `getAssertionFor`,
 * `registerSecurityKey`, `approveWithSecurityKey`, `toSecurityKeyError`); never thrown itself.
 * Beyond `code`: `ceremony`, the browser call that failed, and `cause`, the browser's own error
 * when there was one (a `DOMException`: the browser's text, never DSM's or a secret; `toJSON()`
 * leaves it out).
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
 * Thrown when the user cancelled the browser's security-key prompt, it timed out, or it was
 * aborted (`NotAllowedError`, `AbortError`, or the caller's signal before the ceremony began).
 * Nothing was sent to DSM after the challenge.
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

/**
 * Thrown by a registration (`create`) when the key is already registered for this account
 * (`InvalidStateError`). `ceremony` is always `create`.
 */
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

/**
 * Thrown when this environment cannot run the ceremony: no WebAuthn (`PublicKeyCredential`)
 * here, or no authenticator supports DSM's algorithm (`NotSupportedError`).
 */
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

/**
 * Thrown when the browser refused because this page's origin does not belong to DSM's relying
 * party (`SecurityError`): e.g. the page is on 127.0.0.1 while DSM's rp id is `localhost`.
 */
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

/**
 * Thrown for any other failure of the authenticator (`InvalidStateError` on `get`, an unknown
 * error), or when its response is not a WebAuthn credential.
 */
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
