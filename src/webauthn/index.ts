// WebAuthn for DSM: challenge ↔ navigator.credentials, and the security-key conveniences.
export { browserCreateCredential, browserGetAssertion } from './browserCeremonies.js';
export {
  createCredentialFor,
  getAssertionFor,
  toDsmAssertionResult,
  toDsmAttestationResult,
  toSecurityKeyError,
} from './ceremonies.js';
export * from './errors.js';
export { approveWithSecurityKey, registerSecurityKey } from './securityKey.js';
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
