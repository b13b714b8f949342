/**
 * FIDO2 for the emulator: the options DSM hands out, and the verification of what comes back,
 * done by @simplewebauthn/server. Nothing here touches HTTP or the session state.
 */
import {
  type AuthenticatorTransportFuture,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { decodeAttestationObject, isoBase64URL } from '@simplewebauthn/server/helpers';
import { base64UrlOnWire, toBase64Url } from './binary.js';
import type { AttestationFormat } from './options.js';
import type { DeviceRecord, UserRecord } from './state.js';
import type {
  DsmCreationOptions,
  DsmCredentialDescriptor,
  DsmRequestOptions,
} from './webauthnTypes.js';

export interface Fido2Settings {
  rpId: string;
  rpName: string;
  isAllowedOrigin: (origin: string) => boolean;
  attestationFormats: readonly AttestationFormat[];
  /** Whether `Base64UrlSafe` fields go out with `=` padding (option `base64UrlPadding`). */
  base64UrlPadding: boolean;
}

export type Fido2Result<T> = { ok: true; value: T } | { ok: false; message: string };

/** What a verified attestation adds to the user. */
export type VerifiedCredential = Omit<DeviceRecord, 'name' | 'type' | 'createdAt'>;

const TIMEOUT_MS = 60_000;
const ES256 = -7;

/** WebAuthn's user handle for a user: the 16 bytes of its UUID, unpadded base64url. */
export function userHandle(user: UserRecord): string {
  return Buffer.from(user.userId.replace(/-/g, ''), 'hex').toString('base64url');
}

function descriptor(device: DeviceRecord, padded: boolean): DsmCredentialDescriptor {
  return {
    type: 'public-key',
    id: base64UrlOnWire(device.credentialId, padded),
    transports: device.transports,
  };
}

/**
 * MfaNewChallenge's answer, in DSM's documented nested shape with `alg: -7`. `challenge` is
 * unpadded base64url; the binary fields go out in the form `settings.base64UrlPadding` says.
 */
export function creationOptions(
  user: UserRecord,
  challenge: string,
  settings: Fido2Settings,
): DsmCreationOptions {
  const displayName = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email;
  const padded = settings.base64UrlPadding;
  return {
    rp: { name: settings.rpName, entity: { id: settings.rpId } },
    user: {
      name: user.email,
      entity: { id: base64UrlOnWire(userHandle(user), padded), displayName },
    },
    challenge: base64UrlOnWire(challenge, padded),
    // -7 (ES256) where the OpenAPI document says "Es256": the documented deviation.
    pubKeyCredParams: [{ type: 'public-key', alg: ES256 }],
    timeout: TIMEOUT_MS,
    excludeCredentials: user.devices.map((device) => descriptor(device, padded)),
    authenticatorSelection: {
      authenticatorAttachment: 'cross-platform',
      residentKey: 'discouraged',
      requireResidentKey: false,
      userVerification: 'discouraged',
    },
    // fido-u2f attestation is what DSM accepts, so ask for it.
    attestation: 'direct',
  };
}

/** Assertion options (MfaChallenge, and sign-in's `fido2_assertion_options`), as above. */
export function requestOptions(
  devices: readonly DeviceRecord[],
  challenge: string,
  settings: Fido2Settings,
): DsmRequestOptions {
  const padded = settings.base64UrlPadding;
  return {
    challenge: base64UrlOnWire(challenge, padded),
    timeout: TIMEOUT_MS,
    rpId: settings.rpId,
    allowCredentials: devices.map((device) => descriptor(device, padded)),
    userVerification: 'discouraged',
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `{ id, type, response: { ...fields } }` with every field as base64url. */
function readCredential<K extends string>(
  value: unknown,
  required: readonly K[],
  what: string,
): Fido2Result<{ id: string; response: Record<K, string>; extra: Record<string, unknown> }> {
  const shape = `${what} must be { id, type: 'public-key', response: { ${required.join(', ')} } } with base64url strings.`;
  if (!isRecord(value) || !isRecord(value.response)) return { ok: false, message: shape };
  if (value.type !== undefined && value.type !== 'public-key') {
    return { ok: false, message: `${what}.type must be 'public-key'.` };
  }
  const id = toBase64Url(value.id);
  if (!id) return { ok: false, message: shape };
  const response = {} as Record<K, string>;
  for (const key of required) {
    const field = toBase64Url(value.response[key]);
    if (!field) return { ok: false, message: shape };
    response[key] = field;
  }
  return { ok: true, value: { id, response, extra: value.response } };
}

/** The origin named in clientDataJSON, if the emulator accepts it. */
function acceptedOrigin(clientDataJSON: string, settings: Fido2Settings): Fido2Result<string> {
  let origin: unknown;
  try {
    origin = JSON.parse(isoBase64URL.toUTF8String(clientDataJSON)).origin;
  } catch {
    return { ok: false, message: 'clientDataJSON is not base64url-encoded JSON.' };
  }
  if (typeof origin !== 'string' || !settings.isAllowedOrigin(origin)) {
    return {
      ok: false,
      message: `WebAuthn origin ${JSON.stringify(origin)} is not accepted by this emulator (option origins).`,
    };
  }
  return { ok: true, value: origin };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Verifies `add_mfa_devices[0].attestationResult` against the session's creation challenge. */
export async function verifyAttestation(
  attestationResult: unknown,
  expectedChallenge: string,
  settings: Fido2Settings,
): Promise<Fido2Result<VerifiedCredential>> {
  const read = readCredential(
    attestationResult,
    ['clientDataJSON', 'attestationObject'] as const,
    'attestationResult',
  );
  if (!read.ok) return read;
  const { id, response, extra } = read.value;
  const origin = acceptedOrigin(response.clientDataJSON, settings);
  if (!origin.ok) return origin;
  let fmt: string;
  try {
    fmt = decodeAttestationObject(isoBase64URL.toBuffer(response.attestationObject)).get('fmt');
  } catch {
    return { ok: false, message: 'attestationObject is not a CBOR attestation object.' };
  }
  const accepted = settings.attestationFormats;
  if (!accepted.includes(fmt as AttestationFormat)) {
    return {
      ok: false,
      message: `Attestation format ${JSON.stringify(fmt)} is not accepted; accepted: ${accepted.join(', ')}.`,
    };
  }
  const transports = Array.isArray(extra.getTransports)
    ? extra.getTransports.filter((t): t is string => typeof t === 'string')
    : [];
  try {
    const result = await verifyRegistrationResponse({
      response: {
        id,
        rawId: id,
        type: 'public-key',
        response: { ...response, transports: transports as AuthenticatorTransportFuture[] },
        clientExtensionResults: {},
      },
      expectedChallenge,
      expectedOrigin: origin.value,
      expectedRPID: settings.rpId,
      requireUserVerification: false,
      supportedAlgorithmIDs: [ES256],
    });
    if (!result.verified) return { ok: false, message: 'FIDO2 attestation is not valid.' };
    const { credential } = result.registrationInfo;
    return {
      ok: true,
      value: {
        credentialId: credential.id,
        publicKey: credential.publicKey,
        counter: credential.counter,
        transports,
        format: fmt as AttestationFormat,
        origin: origin.value,
      },
    };
  } catch (error) {
    return { ok: false, message: `FIDO2 attestation could not be verified: ${reason(error)}` };
  }
}

/** Verifies an assertion from one of `devices` against `expectedChallenge`; yields the new counter. */
export async function verifyAssertion(
  assertion: unknown,
  expectedChallenge: string,
  devices: readonly DeviceRecord[],
  settings: Fido2Settings,
): Promise<Fido2Result<{ device: DeviceRecord; newCounter: number }>> {
  const read = readCredential(
    assertion,
    ['clientDataJSON', 'authenticatorData', 'signature'] as const,
    'The assertion',
  );
  if (!read.ok) return read;
  const { id, response, extra } = read.value;
  const origin = acceptedOrigin(response.clientDataJSON, settings);
  if (!origin.ok) return origin;
  const device = devices.find((d) => d.credentialId === id);
  if (!device) {
    return {
      ok: false,
      message: 'The assertion is from a credential not registered to this user.',
    };
  }
  const userHandleValue = toBase64Url(extra.userHandle);
  try {
    const result = await verifyAuthenticationResponse({
      response: {
        id,
        rawId: id,
        type: 'public-key',
        response: { ...response, ...(userHandleValue && { userHandle: userHandleValue }) },
        clientExtensionResults: {},
      },
      expectedChallenge,
      expectedOrigin: origin.value,
      expectedRPID: settings.rpId,
      credential: {
        id: device.credentialId,
        publicKey: device.publicKey,
        counter: device.counter,
      },
      requireUserVerification: false,
    });
    if (!result.verified) return { ok: false, message: 'FIDO2 assertion signature is not valid.' };
    return { ok: true, value: { device, newCounter: result.authenticationInfo.newCounter } };
  } catch (error) {
    return { ok: false, message: `FIDO2 assertion could not be verified: ${reason(error)}` };
  }
}
