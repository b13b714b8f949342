/**
 * `dsm-2fa-guard/emulator`: a local Fortanix DSM for tests and demos, with a controllable clock,
 * fault injection and a software FIDO2 authenticator.
 *
 * Its server stack (hono, @hono/node-server, @simplewebauthn/server) is an optional peer of
 * dsm-2fa-guard: importing this entry without it throws `EmulatorDependencyError`, which names
 * what to install. The modules that need it load through `loadEmulatorRuntime`.
 */
import { loadEmulatorRuntime } from './loadRuntime.js';

const runtime = await loadEmulatorRuntime();

/**
 * The emulator as an app, without a server: for in-process tests (`emulator.fetch`) or to mount
 * in your own server. Throws `EmulatorOptionsError` for an invalid option.
 */
export const createEmulatorApp: typeof runtime.createEmulatorApp = runtime.createEmulatorApp;
/**
 * Starts the emulator on 127.0.0.1 (`port` 0 picks a free port). Rejects with
 * `EmulatorOptionsError` for an invalid option, `EmulatorPortInUseError` when the port is taken.
 */
export const startEmulator: typeof runtime.startEmulator = runtime.startEmulator;
/** A software FIDO2 authenticator that answers DSM's options as a browser would. */
export const createSoftAuthenticator: typeof runtime.createSoftAuthenticator =
  runtime.createSoftAuthenticator;

export type { EmulatorApp } from './app.js';
export type {
  ApprovalRequestSeed,
  EmulatorAppSnapshot,
  EmulatorControls,
  EmulatorUserSnapshot,
  SessionLockState,
  SessionToken,
} from './controls.js';
export {
  EMULATOR_PEER_DEPENDENCIES,
  EmulatorDependencyError,
  EmulatorFaultError,
  EmulatorOptionsError,
  EmulatorPortInUseError,
} from './errors.js';
export type { ActiveFault, Fault, FaultKind, FaultMatch, FaultPhase } from './faults.js';
export { loadEmulatorRuntime } from './loadRuntime.js';
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
export type {
  BinaryInput,
  CreationOptionsInput,
  RequestOptionsInput,
  SoftAuthenticator,
  SoftAuthenticatorOptions,
  SoftCredential,
} from './softAuthenticator.js';
export type { RunningEmulator } from './startEmulator.js';
export type { EmulatorState, LockState } from './state.js';
export type {
  DsmAssertionResult,
  DsmAttestationResult,
  DsmCreationOptions,
  DsmCredentialDescriptor,
  DsmRequestOptions,
} from './webauthnTypes.js';
