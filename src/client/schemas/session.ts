import * as z from 'zod/mini';
import { NonEmptySecret } from './common.js';
import { Fido2RequestOptions } from './fido2.js';
import { MfaDevice } from './user.js';

/** `MfaAuthMethod`: a second factor DSM accepts to complete a sign-in. */
export const MfaAuthMethod = z.object({
  Fido2: z.object({
    challenge: Fido2RequestOptions,
    challenge_token: z.string(),
    mfa_devices: z.array(MfaDevice),
  }),
});

/** `AuthResponse` from `Authenticate`. */
export const AuthResponse = z.object({
  token_type: z.enum(['Bearer', 'Cookie']),
  expires_in: z.int().check(z.minimum(0), z.maximum(4_294_967_295)),
  access_token: z.optional(z.string()),
  // A UUID, checked: it travels into state, events and snapshots, where no server text may go.
  entity_id: z.guid(),
  challenge: z.optional(
    z.object({
      u2f_challenge: z.string(),
      u2f_keys: z.array(z.object({ keyHandle: z.string(), version: z.string() })),
    }),
  ),
  fido2_assertion_options: z.optional(Fido2RequestOptions),
  allowed_mfa_methods: z.optional(z.nullable(z.array(MfaAuthMethod))),
});

/** `AuthResponse` as this client needs it: a bearer session always carries its token. */
export const BearerAuthResponse = z.extend(AuthResponse, { access_token: z.string() });

/** `Config2faAuthRequest`: the password again, to unlock 2FA configuration. */
export const Config2faAuthRequest = z.strictObject({ password: NonEmptySecret });

/** `Config2faAuthResponse`: an empty object. */
export const Config2faAuthResponse = z.object({});

/** `RecoveryCodeAuthRequest`: completes a sign-in with one recovery code. */
export const RecoveryCodeAuthRequest = z.strictObject({ recovery_code: NonEmptySecret });

/** Basic credentials for `Authenticate`. A colon cannot be sent in a Basic user-id. */
export const PasswordCredentials = z.strictObject({
  email: z
    .string()
    .check(z.minLength(1, 'must not be empty'), z.regex(/^[^:]*$/, 'must not contain a colon')),
  password: NonEmptySecret,
});

/** An API key for `Authenticate` (DSM's `Authorization: Basic <api key>`). */
export const ApiKeyCredentials = z.strictObject({ apiKey: NonEmptySecret });

export type MfaAuthMethod = z.infer<typeof MfaAuthMethod>;
export type AuthResponse = z.infer<typeof AuthResponse>;
