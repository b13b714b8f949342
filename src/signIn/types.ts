import type { Actor, SnapshotFrom } from 'xstate';
import type { SignInMachine } from '../../machines/signIn.js';
import type {
  SecondFactorMethod,
  SignInEmitted,
  SignInInput,
  SignInMethod,
  SignInStateName,
} from '../../machines/signIn.types.js';
import type { Fido2AssertionResult, Fido2RequestOptions } from '../client/schemas.js';
import type { SecretInput } from '../client/secret.js';
import type { DsmClient, DsmClientOptions } from '../client/types.js';
import type { ControllerOptions } from '../controller/core.js';
import type { PersistedSignIn } from './persistence.js';

/** `refreshIntervalMs`, `idleTimeoutMs` and `rateLimitFallbackMs` are the chart's input. */
interface SignInCommonOptions extends Omit<SignInInput, 'restore'>, ControllerOptions {
  /** A snapshot from `persist()` (object or JSON text) to resume from. */
  snapshot?: PersistedSignIn | string;
  /** The session token the app stored beside a signed-in (or pending) snapshot. */
  token?: SecretInput;
  /**
   * A pending sign-in's `secondFactor.fido2Options`, if stored beside the snapshot (server data
   * stays out of snapshots); without it, a restored one offers the recovery code only.
   */
  fido2Options?: Fido2RequestOptions;
}

/** `createSignIn` options: a DSM base URL, or a client without a session. */
export type SignInOptions = SignInCommonOptions &
  (
    | {
        baseUrl: string | URL;
        /** Settings for the client built from `baseUrl` (a `fetch`, timeouts, retries). */
        clientOptions?: Omit<DsmClientOptions, 'baseUrl' | 'token' | 'apiKey'>;
        client?: never;
      }
    | { client: DsmClient; baseUrl?: never; clientOptions?: never }
  );

export interface SignInCredentials {
  email: string;
  password: SecretInput;
}

/** DSM's challenge for a pending sign-in, in the client's types. */
export interface SecondFactorOffer {
  /** DSM's FIDO2 assertion request (for `navigator.credentials.get()` or an authenticator). */
  fido2Options: Fido2RequestOptions | null;
  allowedMethods: SecondFactorMethod[];
}

export type SignedInResult = { state: 'signedIn'; userId: string; method: SignInMethod };
export type SignInResult =
  | SignedInResult
  | ({ state: 'awaitingSecondFactor'; userId: string } & SecondFactorOffer);

/** Something that signs DSM's challenge: a soft authenticator, a WebAuthn wrapper. */
export type AssertionProvider = (
  options: Fido2RequestOptions,
) => Fido2AssertionResult | Promise<Fido2AssertionResult>;

export interface SignInView {
  state: SignInStateName;
  userId: string | null;
  /** A sign-in, second-factor check or sign-out of this controller is in flight. */
  busy: boolean;
  secondFactor: SecondFactorOffer | null;
}

export type SignInEventType = SignInEmitted['type'];
export type SignInEventOf<T extends SignInEventType> = Extract<SignInEmitted, { type: T }>;
export type SignInActor = Actor<SignInMachine>;
export type SignInSnapshot = SnapshotFrom<SignInMachine>;
