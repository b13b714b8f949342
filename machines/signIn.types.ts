/**
 * The sign-in statechart's context, events and actor types. The bearer token is not among them:
 * it lives in the controller (`createSignIn`), never in the machine.
 */
import type { FailureInfo, RedactedValue } from './twoFactorConfig.types.js';

/** The top-level states. */
export type SignInStateName =
  | 'signedOut'
  | 'authenticating'
  | 'rateLimited'
  | 'awaitingSecondFactor'
  | 'signedIn'
  | 'signingOut'
  | 'expired';

/** How the current session passed sign-in. */
export type SignInMethod = 'password' | 'fido2' | 'recoveryCode';

/** The second factors DSM accepts to complete a pending sign-in. */
export type SecondFactorMethod = 'fido2' | 'recoveryCode';

/** Why a session ended on the client's initiative. */
export type SignOutReason = 'user' | 'dispose';

/** Why a session expired: the idle timeout ran out, or DSM answered 401. */
export type SessionExpiryReason = 'idle' | 'server';

/** What `signingOut` was asked for: a sign-out, or the end of an idle session. */
export type SigningOutReason = SignOutReason | 'idle';

/**
 * How the machine reads a failed request's `code`: `wrongCredentials` (Authenticate refused),
 * `rejected` (a second factor refused), `rateLimited`, `sessionExpired` (401 elsewhere), `other`.
 */
export type SignInFailureKind =
  | 'wrongCredentials'
  | 'rejected'
  | 'rateLimited'
  | 'sessionExpired'
  | 'other';

/**
 * Why a request was refused before anything was sent: a request in flight (`BUSY`), a session
 * already open, no sign-in waiting for a second factor, or DSM's 429 wait (`retryAfterMs`).
 */
export type SignInRefusalCode =
  | 'BUSY'
  | 'ALREADY_SIGNED_IN'
  | 'NOT_AWAITING_SECOND_FACTOR'
  | 'RATE_LIMITED';

/** The requests an app makes of the machine (the events a refusal names). */
export type SignInRequest = 'signIn' | 'completeWithAssertion' | 'completeWithRecoveryCode';

/**
 * The methods a pending sign-in allows. DSM's FIDO2 challenge is server data: the controller
 * holds it, so it reaches no snapshot, event or inspector.
 */
export interface SecondFactorChallenge {
  methods: SecondFactorMethod[];
}

/** What a persisted sign-in restores to; see `createSignIn({ snapshot, token })`. */
export type SignInRestore =
  | {
      state: 'signedIn';
      userId: string;
      method: SignInMethod;
      sessionIdleMs: number;
      idleDeadline: number;
      lastRefreshAt: number;
    }
  | {
      state: 'awaitingSecondFactor';
      userId: string;
      sessionIdleMs: number;
      idleDeadline: number;
      secondFactor: SecondFactorChallenge;
    }
  | { state: 'expired'; reason: SessionExpiryReason };

export interface SignInInput {
  /** Send Refresh at most this often while the app reports `activity()`. Default 60 000 ms. */
  refreshIntervalMs?: number;
  /**
   * The idle timeout the app wants. The session ends after the shorter of this and DSM's own
   * (`expires_in`, 24 h for users by default). Default: DSM's.
   */
  idleTimeoutMs?: number;
  /** How long to refuse sign-ins after a 429 that gave no `Retry-After`. Default 60 000 ms. */
  rateLimitFallbackMs?: number;
  restore?: SignInRestore | null;
}

export interface SignInContext {
  refreshIntervalMs: number;
  idleTimeoutMs: number | null;
  rateLimitFallbackMs: number;
  /** DSM's `entity_id` of the user signed in (or waiting for the second factor). */
  userId: string | null;
  method: SignInMethod | null;
  secondFactor: SecondFactorChallenge | null;
  /** This session's idle timeout: the shorter of the app's and DSM's. */
  sessionIdleMs: number | null;
  /**
   * Wall-clock ms at which the session is idle: the send time of the last request DSM
   * accepted, plus `sessionIdleMs`. DSM received it later, so DSM never expires it sooner.
   */
  idleDeadline: number | null;
  /** Wall-clock ms of the last sign-in or Refresh sent (the keep-alive counts from it). */
  lastRefreshAt: number | null;
  /** Wall-clock ms until which DSM asked us to wait (429). */
  retryAt: number | null;
  signingOutReason: SigningOutReason | null;
  expiryReason: SessionExpiryReason | null;
  lastError: FailureInfo | null;
  restore: SignInRestore | null;
}

/**
 * Events the machine accepts. The password and the recovery code are redacting wrappers (their
 * JSON form is `[redacted]`), so inspection and snapshots cannot show them.
 */
export type SignInEvent =
  | { type: 'signIn'; email: string; password: RedactedValue }
  | { type: 'completeWithAssertion'; assertion: unknown }
  | { type: 'completeWithRecoveryCode'; code: RedactedValue }
  | { type: 'activity' }
  | { type: 'signOut' }
  | { type: 'sessionRejected' }
  | { type: 'dispose' };

/** Events the machine emits for the app (`actor.on(type, fn)`). */
export type SignInEmitted =
  | { type: 'signedIn'; userId: string; method: SignInMethod; idleTimeoutMs: number }
  | { type: 'signInFailed'; error: unknown; failure: SignInFailureKind }
  | {
      type: 'secondFactorRequired';
      userId: string;
      methods: SecondFactorMethod[];
    }
  | {
      type: 'secondFactorFailed';
      method: SecondFactorMethod;
      error: unknown;
      failure: SignInFailureKind;
    }
  | { type: 'sessionRefreshed'; idleDeadline: number }
  | { type: 'refreshFailed'; error: unknown }
  | { type: 'sessionExpired'; reason: SessionExpiryReason }
  | { type: 'signedOut'; reason: SignOutReason }
  /** A request in flight whose state was left without its answer (a sign-out, a 401 elsewhere). */
  | { type: 'requestInterrupted'; request: SignInRequest }
  | {
      type: 'requestRefused';
      request: SignInRequest;
      code: SignInRefusalCode;
      retryAfterMs?: number;
    };

type InputOf<T extends SignInRequest> = Omit<Extract<SignInEvent, { type: T }>, 'type'>;

/** Authenticate actor: email and password in, the session's facts out (not its token). */
export type AuthenticateInput = InputOf<'signIn'>;
export interface AuthenticateOutput {
  userId: string;
  sentAt: number;
  /** DSM's idle timeout for this session (`expires_in`), in ms. */
  idleTimeoutMs: number;
  secondFactor: SecondFactorChallenge | null;
}

export type CompleteFido2AuthInput = InputOf<'completeWithAssertion'>;
export type RecoveryCodeAuthInput = InputOf<'completeWithRecoveryCode'>;

/** Refresh and the second-factor actors resolve with when their request was sent. */
export interface SessionTouchOutput {
  sentAt: number;
}
