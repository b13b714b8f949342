export type {
  SecondFactorMethod,
  SessionExpiryReason,
  SignInEmitted,
  SignInMethod,
  SignInRefusalCode,
  SignInStateName,
  SignOutReason,
} from '../../machines/signIn.types.js';
export { createSignInActors, type SignInDependencies } from './actors.js';
export { createSignIn, SignIn, signInStateOf } from './createSignIn.js';
export {
  AlreadySignedInError,
  InvalidSignInSnapshotError,
  NotAwaitingSecondFactorError,
  SecondFactorFailedError,
  SignedOutError,
  SignInBusyError,
  SignInDisposedError,
  type SignInErrorCode,
  SignInFailedError,
  SignInInterruptedError,
  SignInInvalidInputError,
  SignInRateLimitedError,
  SignInSessionExpiredError,
} from './errors.js';
export { type HandoffSource, TwoFactorConfigHandoff } from './handoff.js';
export {
  fromPersistedSignIn,
  type PersistedSignIn,
  SIGN_IN_SNAPSHOT_FORMAT,
  SIGN_IN_SNAPSHOT_VERSION,
  toPersistedSignIn,
} from './persistence.js';
export type {
  AssertionProvider,
  SecondFactorOffer,
  SignedInResult,
  SignInActor,
  SignInCredentials,
  SignInEventOf,
  SignInEventType,
  SignInOptions,
  SignInResult,
  SignInSnapshot,
  SignInView,
} from './types.js';
