// WebAuthn for DSM: challenge ↔ navigator.credentials, and the security-key conveniences.
export { approveWithSecurityKey } from './approveWithSecurityKey.js';
export { browserCreateCredential, browserGetAssertion } from './browserCeremonies.js';
export { createCredentialFor, getAssertionFor } from './ceremonies.js';
export { toSecurityKeyError } from './ceremonyError.js';
export * from './errors.js';
export { registerSecurityKey } from './registerSecurityKey.js';
export { toDsmAssertionResult, toDsmAttestationResult } from './toDsmResult.js';
export type {
  ApproveWithSecurityKeyOptions,
  AuthenticationResponseLike,
  CeremonyContext,
  CreateCredential,
  CreateCredentialOptions,
  GetAssertion,
  GetAssertionOptions,
  RegisterSecurityKeyOptions,
  RegistrationResponseLike,
  SecurityKeyWorkflow,
} from './types.js';
