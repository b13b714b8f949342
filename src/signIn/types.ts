import type { Actor, InspectionEvent, Observer, SnapshotFrom } from 'xstate';
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
import type { SnapshotKey } from '../persistence/signer.js';
import type { Clock } from '../workflow/clock.js';
import type { PersistedSignIn } from './persistence.js';

/** `refreshIntervalMs`, `idleTimeoutMs` and `rateLimitFallbackMs` are the chart's input. */
interface SignInCommonOptions extends Omit<SignInInput, 'restore'> {
  /** A snapshot from `persist()` (object or JSON text) to resume from. */
  snapshot?: PersistedSignIn | string;
  /**
   * From `createSnapshotKey(secret)`: `persist()` signs with it, and a restore refuses any
   * snapshot not signed with it (say, edited to `signedIn`). See SECURITY.md.
   */
  snapshotKey?: SnapshotKey;
  /** The session token the app stored beside a signed-in (or pending) snapshot. */
  token?: SecretInput;
  /**
   * A pending sign-in's `secondFactor.fido2Options`, if stored beside the snapshot (server data
   * stays out of snapshots); without it, a restored one offers the recovery code only.
   */
  fido2Options?: Fido2RequestOptions;
  /** An XState inspection observer (the Stately inspector's `inspect`). */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** The clock for the idle deadline and timers. Default: the system clock. */
  clock?: Clock;
  /** How long `dispose({ signOut: true })` waits for its Terminate. Default 10 000 ms. */
  disposeTimeoutMs?: number;
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

/** What `subscribe` listeners receive. */
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
