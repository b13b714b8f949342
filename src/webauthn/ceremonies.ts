import type {
  Fido2AssertionResult,
  Fido2AttestationResult,
  Fido2CreationOptions,
  Fido2RequestOptions,
} from '../client/schemas.js';
import { toWebAuthnCreationOptions, toWebAuthnRequestOptions } from '../client/webauthnShape.js';
import { browserCreateCredential, browserGetAssertion } from './browserCeremonies.js';
import { toSecurityKeyError } from './ceremonyError.js';
import { SecurityKeyCancelledError } from './errors.js';
import { toDsmAssertionResult, toDsmAttestationResult } from './toDsmResult.js';
import type { CreateCredentialOptions, GetAssertionOptions } from './types.js';

function neverAborted(): AbortSignal {
  return new AbortController().signal;
}

/**
 * DSM's creation challenge (MfaNewChallenge) → `navigator.credentials.create()` → DSM's
 * `attestationResult`, ready for `addDevice`. Rejects with a `SecurityKeyError`
 * (`WEBAUTHN_CANCELLED`, `WEBAUTHN_ALREADY_REGISTERED`, …) when the ceremony fails.
 */
export async function createCredentialFor(
  challenge: Fido2CreationOptions,
  options: CreateCredentialOptions = {},
): Promise<Fido2AttestationResult> {
  const signal = options.signal ?? neverAborted();
  const create = options.create ?? browserCreateCredential;
  let credential: Awaited<ReturnType<typeof create>>;
  try {
    if (signal.aborted) throw new SecurityKeyCancelledError('create');
    credential = await create(toWebAuthnCreationOptions(challenge), { signal });
  } catch (error) {
    throw toSecurityKeyError(error, 'create');
  }
  return toDsmAttestationResult(credential);
}

/**
 * DSM's assertion challenge (MfaChallenge, or sign-in's second factor) →
 * `navigator.credentials.get()` → DSM's `fido2_auth_request`.
 */
export async function getAssertionFor(
  challenge: Fido2RequestOptions,
  options: GetAssertionOptions = {},
): Promise<Fido2AssertionResult> {
  const signal = options.signal ?? neverAborted();
  const get = options.get ?? browserGetAssertion;
  let credential: Awaited<ReturnType<typeof get>>;
  try {
    if (signal.aborted) throw new SecurityKeyCancelledError('get');
    credential = await get(toWebAuthnRequestOptions(challenge), { signal });
  } catch (error) {
    throw toSecurityKeyError(error, 'get');
  }
  return toDsmAssertionResult(credential);
}
