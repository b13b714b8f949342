import {
  type CeremonyKind,
  SecurityKeyAlreadyRegisteredError,
  SecurityKeyCancelledError,
  SecurityKeyError,
  SecurityKeyFailedError,
  SecurityKeyRpMismatchError,
  SecurityKeyUnsupportedError,
} from './errors.js';

/**
 * The typed error for whatever a ceremony threw. Browsers report why through the error's
 * `name` (a `DOMException`); @simplewebauthn/browser's `WebAuthnError` keeps that name, so one
 * switch covers the raw browser, the library and the software authenticator.
 */
export function toSecurityKeyError(error: unknown, ceremony: CeremonyKind): SecurityKeyError {
  if (error instanceof SecurityKeyError) return error;
  const cause = { cause: error };
  switch ((error as { name?: unknown } | null)?.name) {
    // NotAllowedError covers "the user dismissed the prompt" and "it timed out": browsers
    // deliberately do not tell the two apart.
    case 'NotAllowedError':
    case 'AbortError':
      return new SecurityKeyCancelledError(ceremony, cause);
    case 'InvalidStateError':
      return ceremony === 'create'
        ? new SecurityKeyAlreadyRegisteredError(cause)
        : new SecurityKeyFailedError(ceremony, undefined, cause);
    case 'NotSupportedError':
      return new SecurityKeyUnsupportedError(ceremony, undefined, cause);
    case 'SecurityError':
      return new SecurityKeyRpMismatchError(ceremony, cause);
    default:
      return new SecurityKeyFailedError(ceremony, undefined, cause);
  }
}
