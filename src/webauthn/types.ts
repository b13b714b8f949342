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

/** A registration response in JSON: @simplewebauthn/browser's, or DSM's `attestationResult`. */
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

/** Runs `navigator.credentials.create()`. The default uses `startRegistration`. */
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
 * The part of a `TwoFactorConfig` the security-key functions drive (functions, not methods, so a
 * bundle that never uses a key carries neither them nor @simplewebauthn/browser).
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
