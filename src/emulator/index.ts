/**
 * `dsm-2fa-guard/emulator`: a local Fortanix DSM for tests and demos, with a controllable clock,
 * fault injection and a software FIDO2 authenticator.
 */
export { createEmulatorApp, type EmulatorApp } from './app.js';
export type {
  ApprovalRequestSeed,
  EmulatorAppSnapshot,
  EmulatorControls,
  EmulatorUserSnapshot,
  SessionLockState,
} from './controls.js';
export {
  EMULATOR_PEER_DEPENDENCIES,
  EmulatorDependencyError,
  EmulatorFaultError,
  EmulatorOptionsError,
  EmulatorPortInUseError,
} from './errors.js';
export type { ActiveFault, Fault, FaultKind, FaultMatch, FaultPhase } from './faults.js';
export { messages } from './messages.js';
export { DSM_OPERATIONS, type DsmOperationId } from './operations.js';
export {
  type ApprovalPolicyOptions,
  type AttestationFormat,
  type CorsOriginPolicy,
  DEMO_APP,
  DEMO_USER,
  EMULATOR_DEFAULTS,
  type EmulatorAppInput,
  type EmulatorOptions,
  type EmulatorUserInput,
  type OriginPolicy,
  type RateLimitOptions,
  type ResolvedEmulatorOptions,
} from './options.js';
export type { RequestRecord } from './requestLog.js';
export { isLoopbackOrigin } from './resolveOptions.js';
export {
  type BinaryInput,
  type CreationOptionsInput,
  createSoftAuthenticator,
  type RequestOptionsInput,
  type SoftAuthenticator,
  type SoftAuthenticatorOptions,
  type SoftCredential,
} from './softAuthenticator.js';
export { type RunningEmulator, startEmulator } from './startEmulator.js';
export type { EmulatorState, LockState } from './state.js';
export type {
  DsmAssertionResult,
  DsmAttestationResult,
  DsmCreationOptions,
  DsmCredentialDescriptor,
  DsmRequestOptions,
} from './webauthnTypes.js';
