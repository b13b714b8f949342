import type { Fido2AssertionResult, Fido2AttestationResult } from '../client/schemas.js';
import { type CeremonyKind, SecurityKeyFailedError } from './errors.js';
import type { AuthenticationResponseLike, RegistrationResponseLike } from './types.js';

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

/**
 * DSM's `attestationResult` from a registration response. DSM documents only `id`, `type` and
 * `response { clientDataJSON, attestationObject, getTransports }`; the rest of WebAuthn's JSON
 * (`rawId`, `clientExtensionResults`, `authenticatorAttachment`) is left out.
 */
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

/** DSM's `fido2_auth_request` (and CompleteFido2Auth body) from an authentication response. */
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
