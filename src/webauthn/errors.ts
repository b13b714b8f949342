/** Codes of the errors a security-key ceremony raises. */
export type SecurityKeyErrorCode =
  | 'WEBAUTHN_CANCELLED'
  | 'WEBAUTHN_ALREADY_REGISTERED'
  | 'WEBAUTHN_UNSUPPORTED'
  | 'WEBAUTHN_RP_MISMATCH'
  | 'WEBAUTHN_FAILED';

/** Which browser call failed: `navigator.credentials.create()` or `.get()`. */
export type CeremonyKind = 'create' | 'get';

/**
 * Base of the errors a WebAuthn ceremony raises: a stable `code`, the `ceremony` that failed,
 * and the browser's own error as `cause` (a `DOMException`; it holds no secret).
 */
export class SecurityKeyError extends Error {
  readonly code: SecurityKeyErrorCode;
  readonly ceremony: CeremonyKind;

  constructor(
    code: SecurityKeyErrorCode,
    ceremony: CeremonyKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SecurityKeyError';
    this.code = code;
    this.ceremony = ceremony;
  }

  toJSON(): { name: string; code: string; ceremony: CeremonyKind; message: string } {
    return { name: this.name, code: this.code, ceremony: this.ceremony, message: this.message };
  }
}

/**
 * The user cancelled the browser's security-key prompt, it timed out, or it was aborted
 * (`NotAllowedError`, `AbortError`). Nothing was sent to DSM after the challenge.
 */
export class SecurityKeyCancelledError extends SecurityKeyError {
  constructor(ceremony: CeremonyKind, options?: { cause?: unknown }) {
    super(
      'WEBAUTHN_CANCELLED',
      ceremony,
      'The security key prompt was cancelled or timed out. Try again, and touch the key when it blinks.',
      options,
    );
    this.name = 'SecurityKeyCancelledError';
  }
}

/** The key is already registered for this account (`InvalidStateError` on create). */
export class SecurityKeyAlreadyRegisteredError extends SecurityKeyError {
  constructor(options?: { cause?: unknown }) {
    super(
      'WEBAUTHN_ALREADY_REGISTERED',
      'create',
      'This security key is already registered for this account. Use another key.',
      options,
    );
    this.name = 'SecurityKeyAlreadyRegisteredError';
  }
}

/**
 * This environment cannot run the ceremony: no WebAuthn (`PublicKeyCredential`) here, or no
 * authenticator supports DSM's algorithm (`NotSupportedError`).
 */
export class SecurityKeyUnsupportedError extends SecurityKeyError {
  constructor(ceremony: CeremonyKind, message?: string, options?: { cause?: unknown }) {
    super(
      'WEBAUTHN_UNSUPPORTED',
      ceremony,
      message ??
        'This browser cannot use security keys here (WebAuthn is unavailable or unsupported).',
      options,
    );
    this.name = 'SecurityKeyUnsupportedError';
  }
}

/**
 * The browser refused because this page's origin does not belong to DSM's relying party
 * (`SecurityError`): e.g. the page is on 127.0.0.1 while DSM's rp id is `localhost`.
 */
export class SecurityKeyRpMismatchError extends SecurityKeyError {
  constructor(ceremony: CeremonyKind, options?: { cause?: unknown }) {
    super(
      'WEBAUTHN_RP_MISMATCH',
      ceremony,
      "This page's origin cannot use security keys for DSM's relying party. Open the page on the host DSM names as its rp id.",
      options,
    );
    this.name = 'SecurityKeyRpMismatchError';
  }
}

/** Any other failure of the authenticator, or a response that is not a WebAuthn credential. */
export class SecurityKeyFailedError extends SecurityKeyError {
  constructor(ceremony: CeremonyKind, message?: string, options?: { cause?: unknown }) {
    super(
      'WEBAUTHN_FAILED',
      ceremony,
      message ?? 'The security key could not complete the request. Try again or use another key.',
      options,
    );
    this.name = 'SecurityKeyFailedError';
  }
}
