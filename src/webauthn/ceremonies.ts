import type {
  Fido2AssertionResult,
  Fido2AttestationResult,
  Fido2CreationOptions,
  Fido2RequestOptions,
} from '../client/schemas.js';
import { toWebAuthnCreationOptions, toWebAuthnRequestOptions } from '../client/webauthnShape.js';
import { browserCreateCredential, browserGetAssertion } from './browserCeremonies.js';
import {
  type CeremonyKind,
  SecurityKeyAlreadyRegisteredError,
  SecurityKeyCancelledError,
  SecurityKeyError,
  SecurityKeyFailedError,
  SecurityKeyRpMismatchError,
  SecurityKeyUnsupportedError,
} from './errors.js';
import type {
  AuthenticationResponseLike,
  CreateCredentialOptions,
  GetAssertionOptions,
  RegistrationResponseLike,
} from './types.js';

/**
 * The typed error for whatever a ceremony threw, by its `name` (the `DOMException`'s, which
 * @simplewebauthn/browser's `WebAuthnError` keeps).
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

// A hand check rather than the client's zod schemas: this runs in every browser bundle that
// uses the workflow, and the client validates the full request again before sending it.
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function binary(value: unknown, ceremony: CeremonyKind): string {
  if (typeof value === 'string' && BASE64URL.test(value)) return value;
  throw new SecurityKeyFailedError(
    ceremony,
    'The security key answered with something that is not a WebAuthn credential.',
  );
}

function checkType(type: unknown, ceremony: CeremonyKind): 'public-key' {
  return type === 'public-key' ? type : (binary(undefined, ceremony) as never);
}

/** DSM's `attestationResult` from a registration response: the fields DSM documents. */
export function toDsmAttestationResult(
  credential: RegistrationResponseLike,
): Fido2AttestationResult {
  const response = credential?.response;
  const transports = response?.getTransports ?? response?.transports;
  return {
    id: binary(credential?.id, 'create'),
    type: checkType(credential?.type, 'create'),
    response: {
      clientDataJSON: binary(response?.clientDataJSON, 'create'),
      attestationObject: binary(response?.attestationObject, 'create'),
      ...(Array.isArray(transports) && { getTransports: transports.map(String) }),
    },
  };
}

/** DSM's `fido2_auth_request` (or CompleteFido2Auth body) from an authentication response. */
export function toDsmAssertionResult(credential: AuthenticationResponseLike): Fido2AssertionResult {
  const response = credential?.response;
  return {
    id: binary(credential?.id, 'get'),
    type: checkType(credential?.type, 'get'),
    response: {
      clientDataJSON: binary(response?.clientDataJSON, 'get'),
      authenticatorData: binary(response?.authenticatorData, 'get'),
      signature: binary(response?.signature, 'get'),
      ...(response?.userHandle && { userHandle: binary(response.userHandle, 'get') }),
    },
  };
}

/** Runs a ceremony unless already cancelled; whatever it throws becomes a `SecurityKeyError`. */
async function ceremony<T>(
  kind: CeremonyKind,
  callerSignal: AbortSignal | undefined,
  run: (context: { signal: AbortSignal }) => Promise<T>,
): Promise<T> {
  const signal = callerSignal ?? new AbortController().signal;
  try {
    if (signal.aborted) throw new SecurityKeyCancelledError(kind);
    return await run({ signal });
  } catch (error) {
    throw toSecurityKeyError(error, kind);
  }
}

/**
 * DSM's creation challenge → `navigator.credentials.create()` → DSM's `attestationResult`, for
 * `addDevice`. Rejects with a `SecurityKeyError` when the ceremony fails.
 */
export async function createCredentialFor(
  challenge: Fido2CreationOptions,
  options: CreateCredentialOptions = {},
): Promise<Fido2AttestationResult> {
  const create = options.create ?? browserCreateCredential;
  const credential = await ceremony('create', options.signal, (context) =>
    create(toWebAuthnCreationOptions(challenge), context),
  );
  return toDsmAttestationResult(credential);
}

/** DSM's assertion challenge → `navigator.credentials.get()` → DSM's `fido2_auth_request`. */
export async function getAssertionFor(
  challenge: Fido2RequestOptions,
  options: GetAssertionOptions = {},
): Promise<Fido2AssertionResult> {
  const get = options.get ?? browserGetAssertion;
  const credential = await ceremony('get', options.signal, (context) =>
    get(toWebAuthnRequestOptions(challenge), context),
  );
  return toDsmAssertionResult(credential);
}
