import type {
  ApprovalRequest,
  Fido2AssertionResult,
  Fido2AttestationResult,
  Fido2CreationOptions,
  Fido2RequestOptions,
  User,
} from '../client/schemas.js';
import type {
  WebAuthnCreationOptionsJSON,
  WebAuthnRequestOptionsJSON,
} from '../client/webauthnShape.js';

/**
 * What `navigator.credentials.create()` produced, in JSON form: @simplewebauthn/browser's
 * `RegistrationResponseJSON` (`response.transports`) or DSM's own `attestationResult`
 * (`response.getTransports`), as the emulator's software authenticator returns it.
 */
export interface RegistrationResponseLike {
  id: string;
  type: string;
  response: {
    clientDataJSON: string;
    attestationObject: string;
    transports?: readonly string[] | null;
    getTransports?: readonly string[] | null;
  };
}

/** What `navigator.credentials.get()` produced, in JSON form (base64url fields). */
export interface AuthenticationResponseLike {
  id: string;
  type: string;
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle?: string | null;
  };
}

/** Handed to every ceremony: aborted when the workflow leaves the state the ceremony needs. */
export interface CeremonyContext {
  signal: AbortSignal;
}

/**
 * Runs `navigator.credentials.create()` for WebAuthn JSON options. The default uses
 * @simplewebauthn/browser's `startRegistration`; tests pass a software authenticator.
 */
export type CreateCredential = (
  options: WebAuthnCreationOptionsJSON,
  context: CeremonyContext,
) => Promise<RegistrationResponseLike>;

/** Runs `navigator.credentials.get()`. The default uses `startAuthentication`. */
export type GetAssertion = (
  options: WebAuthnRequestOptionsJSON,
  context: CeremonyContext,
) => Promise<AuthenticationResponseLike>;

/** Options of `createCredentialFor` and `registerSecurityKey`. */
export interface CreateCredentialOptions {
  /** The ceremony. Default: the browser's, through @simplewebauthn/browser. */
  create?: CreateCredential;
  /** Cancels the ceremony (it then rejects with `WEBAUTHN_CANCELLED`). */
  signal?: AbortSignal;
}

/** Options of `getAssertionFor` and `approveWithSecurityKey`. */
export interface GetAssertionOptions {
  /** The ceremony. Default: the browser's, through @simplewebauthn/browser. */
  get?: GetAssertion;
  /** Cancels the ceremony (it then rejects with `WEBAUTHN_CANCELLED`). */
  signal?: AbortSignal;
}

export type RegisterSecurityKeyOptions = CreateCredentialOptions;

export interface ApproveWithSecurityKeyOptions extends GetAssertionOptions {
  /**
   * This tab's view of the user's other tabs (`syncTabs(workflow)`): while another tab holds
   * the configuration unlocked, the approval is refused locally with `CONFIG_UNLOCKED`.
   */
  tabs?: { readonly unlockedElsewhere: boolean };
}

/**
 * The part of a `TwoFactorConfig` the security-key conveniences drive. They are functions
 * taking the workflow rather than methods on it, so a bundle that never registers a key does
 * not carry them or @simplewebauthn/browser (about 4.4 kB min+gzip).
 */
export interface SecurityKeyWorkflow {
  readonly state: string;
  subscribe(listener: (view: { state: string }) => void): () => void;
  newDeviceChallenge(): Promise<Fido2CreationOptions>;
  addDevice(name: string, attestationResult: Fido2AttestationResult): Promise<User>;
  approvalChallenge(requestId: string): Promise<Fido2RequestOptions>;
  approve(
    requestId: string,
    proof: { fido2AuthRequest: Fido2AssertionResult },
  ): Promise<ApprovalRequest>;
}
