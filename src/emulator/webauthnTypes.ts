/**
 * DSM's WebAuthn wire shapes (OpenAPI: PublicKeyCredentialCreationOptions,
 * PublicKeyCredentialRequestOptions, PublicKeyCredentialAuthenticatorAttestationResponse,
 * PublicKeyCredentialAuthenticatorAssertionResponse). Binary fields are base64url strings.
 */

export interface DsmCredentialDescriptor {
  type: 'public-key';
  id: string;
  transports?: string[] | null;
}

/**
 * Creation options as DSM documents them: the ids nested under `entity`, and `alg` -7 where
 * the OpenAPI document says `"Es256"` (see docs/emulator.md, "Deviations from DSM").
 */
export interface DsmCreationOptions {
  rp: { name: string; entity: { id?: string | null } };
  user: { name: string; entity: { id: string; displayName: string } };
  challenge: string;
  pubKeyCredParams: Array<{ type: 'public-key'; alg: number | 'Es256' }>;
  timeout?: number | null;
  excludeCredentials: DsmCredentialDescriptor[];
  authenticatorSelection?: {
    authenticatorAttachment?: 'platform' | 'cross-platform';
    residentKey?: 'discouraged' | 'preferred' | 'required';
    requireResidentKey?: boolean | null;
    userVerification?: 'required' | 'preferred' | 'discouraged';
  };
  attestation: 'none' | 'indirect' | 'direct' | 'enterprise';
}

export interface DsmRequestOptions {
  challenge: string;
  timeout?: number | null;
  rpId?: string | null;
  allowCredentials?: DsmCredentialDescriptor[] | null;
  userVerification?: 'required' | 'preferred' | 'discouraged';
}

/** `add_mfa_devices[].attestationResult`: what `navigator.credentials.create()` produced. */
export interface DsmAttestationResult {
  id: string;
  type: 'public-key';
  response: { clientDataJSON: string; attestationObject: string; getTransports?: string[] };
}

/** `fido2_auth_request` and the CompleteFido2Auth body: what `navigator.credentials.get()` produced. */
export interface DsmAssertionResult {
  id: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle?: string;
  };
}
