import * as z from 'zod/mini';
import { isBase64Text } from '../utils/base64.js';
import { DeviceName } from './common.js';

// FIDO2 objects as DSM documents them; where DSM's artifacts disagree with each other or with
// WebAuthn, both ways are accepted (docs/emulator.md, "Deviations from DSM").

/**
 * DSM's `Base64UrlSafe`: DSM's Go client writes it padded, WebAuthn unpadded, and what DSM sends
 * is not documented, so every base64 form is read (either alphabet, padded or not).
 */
const Base64Binary = z
  .string()
  .check(z.refine(isBase64Text, 'must be base64 or base64url, padded or not'));

const PublicKeyCredentialType = z.literal('public-key');

export const PublicKeyCredentialDescriptor = z.object({
  type: PublicKeyCredentialType,
  id: Base64Binary,
  transports: z.optional(z.nullable(z.array(z.string()))),
});

const UserVerificationRequirement = z.enum(['required', 'preferred', 'discouraged']);

const AuthenticationExtensionsClientInputs = z.object({
  appidExclude: z.optional(z.nullable(z.string())),
  appid: z.optional(z.nullable(z.string())),
});

/** DSM's nested relying party (`rp: { name, entity: { id } }`), as documented. */
const NestedRp = z.object({
  name: z.optional(z.string()),
  entity: z.object({ id: z.optional(z.nullable(z.string())) }),
});
/** WebAuthn's flat relying party (`rp: { id, name }`). */
const FlatRp = z.object({ id: z.optional(z.string()), name: z.string() });

/** DSM's nested user (`user: { name, entity: { id, displayName } }`), as documented. */
const NestedUser = z.object({
  name: z.optional(z.string()),
  entity: z.object({ id: Base64Binary, displayName: z.string() }),
});
/** WebAuthn's flat user (`user: { id, name, displayName }`). */
const FlatUser = z.object({ id: Base64Binary, name: z.string(), displayName: z.string() });

/** ES256: the OpenAPI document says `"Es256"`, DSM's Go client and WebAuthn say `-7`. */
const CoseAlgorithm = z.union([z.literal(-7), z.literal('Es256')]);

/**
 * `PublicKeyCredentialCreationOptions` from `MfaNewChallenge`, in DSM's shape. The nested
 * variants require `entity`, so a flat object is never mistaken for one.
 */
export const Fido2CreationOptions = z.object({
  rp: z.union([NestedRp, FlatRp]),
  user: z.union([NestedUser, FlatUser]),
  challenge: Base64Binary,
  pubKeyCredParams: z.array(z.object({ type: PublicKeyCredentialType, alg: CoseAlgorithm })),
  timeout: z.optional(z.nullable(z.int())),
  excludeCredentials: z.array(PublicKeyCredentialDescriptor),
  authenticatorSelection: z.optional(
    z.object({
      authenticatorAttachment: z.optional(z.enum(['platform', 'cross-platform'])),
      residentKey: z.optional(z.enum(['discouraged', 'preferred', 'required'])),
      requireResidentKey: z.optional(z.nullable(z.boolean())),
      userVerification: z.optional(UserVerificationRequirement),
    }),
  ),
  attestation: z.enum(['none', 'indirect', 'direct', 'enterprise']),
  extensions: z.optional(AuthenticationExtensionsClientInputs),
});

/** `PublicKeyCredentialRequestOptions`. */
export const Fido2RequestOptions = z.object({
  challenge: Base64Binary,
  timeout: z.optional(z.nullable(z.int())),
  rpId: z.optional(z.nullable(z.string())),
  allowCredentials: z.optional(z.nullable(z.array(PublicKeyCredentialDescriptor))),
  userVerification: z.optional(UserVerificationRequirement),
  extensions: z.optional(AuthenticationExtensionsClientInputs),
});

const ClientExtensionOutputs = z.object({
  appidExclude: z.optional(z.nullable(z.boolean())),
  appid: z.optional(z.nullable(z.boolean())),
});

/**
 * `PublicKeyCredentialAuthenticatorAttestationResponse`: `add_mfa_devices[].attestationResult`.
 * `id`, `type` and `response` required (DSM says optional): no registration verifies without.
 */
export const Fido2AttestationResult = z.object({
  id: Base64Binary,
  type: PublicKeyCredentialType,
  response: z.object({
    clientDataJSON: Base64Binary,
    attestationObject: Base64Binary,
    getTransports: z.optional(z.nullable(z.array(z.string()))),
  }),
  get_client_extension_results: z.optional(ClientExtensionOutputs),
});

/**
 * `PublicKeyCredentialAuthenticatorAssertionResponse`: `CompleteFido2Auth`'s body, and
 * `ApproveRequest`'s `fido2_auth_request`. `id`, `type` and `response` required, as above.
 */
export const Fido2AssertionResult = z.object({
  id: Base64Binary,
  type: PublicKeyCredentialType,
  response: z.object({
    clientDataJSON: Base64Binary,
    authenticatorData: Base64Binary,
    signature: Base64Binary,
    userHandle: z.optional(Base64Binary),
  }),
  get_client_extension_results: z.optional(ClientExtensionOutputs),
});

/** `FidoAddDeviceRequest`. */
export const FidoAddDeviceRequest = z.object({
  name: DeviceName,
  attestationResult: Fido2AttestationResult,
});

export type Fido2CreationOptions = z.infer<typeof Fido2CreationOptions>;
export type Fido2RequestOptions = z.infer<typeof Fido2RequestOptions>;
export type Fido2AttestationResult = z.infer<typeof Fido2AttestationResult>;
export type Fido2AssertionResult = z.infer<typeof Fido2AssertionResult>;
export type FidoAddDeviceRequest = z.infer<typeof FidoAddDeviceRequest>;
export type PublicKeyCredentialDescriptor = z.infer<typeof PublicKeyCredentialDescriptor>;
