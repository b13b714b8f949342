// The DSM client: the `.` entry re-exports this.
export { createDsmClient } from './createDsmClient.js';
export * from './errors/index.js';
export type {
  ApprovalRequest,
  ApprovalRequestRequest,
  ApprovalStatus,
  AuthResponse,
  Fido2AssertionResult,
  Fido2AttestationResult,
  Fido2CreationOptions,
  Fido2RequestOptions,
  FidoAddDeviceRequest,
  MfaAuthMethod,
  MfaDevice,
  PublicKeyCredentialDescriptor,
  RecoveryCodes,
  User,
  UserUpdate2fa,
} from './schemas.js';
export { revealSecret, Secret, SecretClearedError, type SecretInput } from './secret.js';
export type {
  AuthenticateInput,
  AuthResult,
  CallOptions,
  DsmClient,
  DsmClientOptions,
  RetryOptions,
} from './types.js';
export {
  toWebAuthnCreationOptions,
  toWebAuthnRequestOptions,
  type WebAuthnCreationOptionsJSON,
  type WebAuthnCredentialDescriptorJSON,
  type WebAuthnRequestOptionsJSON,
} from './webauthnShape.js';
