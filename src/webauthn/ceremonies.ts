import type {
  Fido2AssertionResult,
  Fido2AttestationResult,
  Fido2CreationOptions,
  Fido2RequestOptions,
} from '../client/schemas.js';
import { toWebAuthnCreationOptions, toWebAuthnRequestOptions } from '../client/webauthnShape.js';
import { browserCreateCredential, browserGetAssertion } from './browserCeremonies.js';
import { toSecurityKeyError } from './ceremonyError.js';
import { type CeremonyKind, SecurityKeyCancelledError } from './errors.js';
import { toDsmAssertionResult, toDsmAttestationResult } from './toDsmResult.js';
import type { CreateCredentialOptions, GetAssertionOptions } from './types.js';

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
 * DSM's creation challenge (MfaNewChallenge) → `navigator.credentials.create()` → DSM's
 * `attestationResult`, ready for `addDevice`. Rejects with a `SecurityKeyError`
 * (`WEBAUTHN_CANCELLED`, `WEBAUTHN_ALREADY_REGISTERED`, …) when the ceremony fails.
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

/**
 * DSM's assertion challenge (MfaChallenge, or sign-in's second factor) →
 * `navigator.credentials.get()` → DSM's `fido2_auth_request`.
 */
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
