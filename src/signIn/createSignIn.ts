import { createActor } from 'xstate';
import { createSignInMachine } from '../../machines/signIn.js';
import type { SignInEmitted, SignInStateName } from '../../machines/signIn.types.js';
import { createDsmClient } from '../client/createDsmClient.js';
import type { Fido2AssertionResult, Fido2RequestOptions } from '../client/schemas.js';
import type { Secret, SecretInput } from '../client/secret.js';
import type { DsmClient } from '../client/types.js';
import { type Clock, systemClock, withLongTimers } from '../workflow/clock.js';
import type { TwoFactorConfig, TwoFactorConfigOptions } from '../workflow/createTwoFactorConfig.js';
import {
  InvalidInputError,
  InvalidSnapshotError,
  OperationInterruptedError,
  SessionExpiredError,
  WorkflowBusyError,
  WorkflowDisposedError,
} from '../workflow/errors.js';
import { machinesPerClock } from '../workflow/machinesPerClock.js';
import { subscribeToView, topStateName, waitForSnapshot } from '../workflow/snapshots.js';
import { createSignInActors, type SignInDependencies } from './actors.js';
import { NotAwaitingSecondFactorError, rateLimitedUntilRetry } from './errors.js';
import { TwoFactorConfigHandoff } from './handoff.js';
import { checkEmail, checkPositiveMs, checkSecret, type SignInCredentials } from './inputs.js';
import {
  type PersistedSignIn,
  signInRestoreFromOptions,
  toPersistedSignIn,
} from './persistence.js';
import { sendRequest } from './settle.js';
import type {
  AssertionProvider,
  SecondFactorOffer,
  SignedInResult,
  SignInActor,
  SignInEventOf,
  SignInEventType,
  SignInOptions,
  SignInResult,
  SignInSnapshot,
  SignInView,
} from './types.js';

type Snapshot = SignInSnapshot;

// As for the configuration workflow: one provided machine per clock, actors shared, each
// controller's dependencies found through its actor system.
const dependencies = new WeakMap<object, SignInDependencies>();
const actors = createSignInActors((system) => {
  const found = dependencies.get(system);
  if (!found) throw new Error('This actor system has no sign-in controller attached.');
  return found;
});
const machineFor = machinesPerClock((now) => createSignInMachine(now).provide({ actors }));

export function signInStateOf(snapshot: Snapshot): SignInStateName {
  return topStateName<SignInStateName>(snapshot.value);
}

const SESSIONLESS: readonly SignInStateName[] = ['signedOut', 'rateLimited', 'expired'];

function isBusy(snapshot: Snapshot): boolean {
  return (
    snapshot.matches('authenticating') ||
    snapshot.matches('signingOut') ||
    snapshot.matches({ awaitingSecondFactor: 'verifyingAssertion' }) ||
    snapshot.matches({ awaitingSecondFactor: 'verifyingRecoveryCode' })
  );
}

/**
 * DSM sign-in as an XState actor of `signInMachine` behind a promise API: password, then the
 * second factor DSM asks for, a keep-alive while the app is active, the idle timeout, sign-out.
 * The bearer token lives here, never in the machine, its snapshots or its events.
 */
export class SignIn {
  readonly actor: SignInActor;
  readonly #clock: Clock;
  readonly #anonymous: DsmClient;
  readonly #options: SignInOptions;
  readonly #handoff: TwoFactorConfigHandoff;
  #session: {
    token: Secret<string>;
    client: DsmClient;
    /** DSM's FIDO2 challenge of a pending sign-in: server data, kept out of the chart. */
    fido2Options: Fido2RequestOptions | null;
  } | null = null;
  /** The session whose end the attached workflows were last told of. */
  #endAnnounced: object | null = null;
  #disposing: Promise<void> | null = null;

  constructor(options: SignInOptions) {
    if (!options || typeof options !== 'object' || !(options.client || options.baseUrl)) {
      throw new InvalidInputError('createSignIn needs { baseUrl } or { client }.');
    }
    checkPositiveMs('refreshIntervalMs', options.refreshIntervalMs);
    checkPositiveMs('idleTimeoutMs', options.idleTimeoutMs);
    checkPositiveMs('rateLimitFallbackMs', options.rateLimitFallbackMs, true);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#anonymous =
      options.client ?? createDsmClient({ ...options.clientOptions, baseUrl: options.baseUrl });
    const restore = signInRestoreFromOptions(options);
    if (restore && restore.state !== 'expired') {
      if (options.token === undefined) {
        throw new InvalidSnapshotError(
          'The stored snapshot has a session: pass the token stored with it (createSignIn({ snapshot, token })).',
        );
      }
      this.#openSession(checkSecret(options.token, 'token'), options.fido2Options ?? null);
    }

    this.actor = createActor(machineFor(this.#clock), {
      input: {
        ...(options.refreshIntervalMs !== undefined && {
          refreshIntervalMs: options.refreshIntervalMs,
        }),
        ...(options.idleTimeoutMs !== undefined && { idleTimeoutMs: options.idleTimeoutMs }),
        ...(options.rateLimitFallbackMs !== undefined && {
          rateLimitFallbackMs: options.rateLimitFallbackMs,
        }),
        restore,
      },
      // Every delay is clamped to setTimeout's ceiling and re-armed: a huge `expires_in` or
      // Retry-After waits, never fires at once.
      clock: withLongTimers(this.#clock),
      ...(options.inspect !== undefined && { inspect: options.inspect }),
    });
    dependencies.set(this.actor.system, {
      anonymous: this.#anonymous,
      clock: this.#clock,
      session: () => {
        if (!this.#session) throw new SessionExpiredError();
        return this.#session.client;
      },
      openSession: (token, fido2Options) => this.#openSession(token, fido2Options),
    });
    this.#handoff = new TwoFactorConfigHandoff({
      client: () => this.client,
      userId: () => this.userId,
      sessionRejected: () => this.actor.send({ type: 'sessionRejected' }),
    });
    // The session bounds every unlock on it: once it ends (sign-out, the idle timeout, a 401),
    // every attached workflow is told, and the token goes.
    this.actor.subscribe({
      next: (snapshot) => {
        const state = signInStateOf(snapshot);
        const ending = SESSIONLESS.includes(state) || state === 'signingOut';
        if (ending && this.#session !== null && this.#session !== this.#endAnnounced) {
          this.#endAnnounced = this.#session;
          this.#handoff.endSessionAll();
        }
        if (SESSIONLESS.includes(state)) this.#session = null;
      },
      error: () => {},
    });
    this.actor.on('signedIn', () => this.#handoff.resumeAll());
    this.actor.start();
  }

  /** One of `signedOut`, `authenticating`, `rateLimited`, `awaitingSecondFactor`, `signedIn`, `signingOut`, `expired`. */
  get state(): SignInStateName {
    return signInStateOf(this.actor.getSnapshot());
  }

  /** DSM's `entity_id` of the user signed in or waiting for the second factor; otherwise null. */
  get userId(): string | null {
    const state = this.state;
    if (state !== 'signedIn' && state !== 'awaitingSecondFactor') return null;
    return this.actor.getSnapshot().context.userId;
  }

  /** A DSM client carrying the signed-in session; null unless signed in. */
  get client(): DsmClient | null {
    return this.state === 'signedIn' ? (this.#session?.client ?? null) : null;
  }

  /**
   * The session's bearer token, wrapped (`reveal()` it to store it in an httpOnly cookie or a
   * server-side session; pass it back with the snapshot). Null without a session.
   */
  get token(): Secret<string> | null {
    const state = this.state;
    if (state !== 'signedIn' && state !== 'awaitingSecondFactor') return null;
    return this.#session?.token ?? null;
  }

  /** DSM's challenge while a sign-in waits for its second factor; otherwise null. */
  get secondFactor(): SecondFactorOffer | null {
    if (this.state !== 'awaitingSecondFactor') return null;
    const offer = this.actor.getSnapshot().context.secondFactor;
    if (!offer) return null;
    const fido2Options = this.#session?.fido2Options ?? null;
    return {
      fido2Options,
      // Restored without DSM's challenge, a pending sign-in can use a recovery code only.
      allowedMethods: offer.methods.filter((method) => method !== 'fido2' || fido2Options),
    };
  }

  /** Wall-clock ms at which the session counts as idle (DSM's view, or the app's timeout). */
  get idleDeadline(): number | null {
    return this.state === 'signedIn' ? this.actor.getSnapshot().context.idleDeadline : null;
  }

  get view(): SignInView {
    const snapshot = this.actor.getSnapshot();
    return {
      state: signInStateOf(snapshot),
      userId: this.userId,
      busy: isBusy(snapshot),
      secondFactor: this.secondFactor,
    };
  }

  /**
   * Signs in with email and password (Authenticate). Resolves `signedIn`, or
   * `awaitingSecondFactor` with DSM's challenge when the user has a security key.
   */
  signIn(credentials: SignInCredentials): Promise<SignInResult> {
    let email: string;
    let password: Secret<string>;
    try {
      this.#assertAlive();
      email = checkEmail(credentials?.email);
      password = checkSecret(credentials?.password, 'password');
    } catch (error) {
      return Promise.reject(error);
    }
    return sendRequest<SignInResult>(
      this.actor,
      { type: 'signIn', email, password },
      (snapshot) => snapshot.matches('authenticating'),
      'sign-in',
      (snapshot) => {
        if (snapshot.matches('awaitingSecondFactor')) {
          return {
            state: 'awaitingSecondFactor',
            userId: this.userId ?? '',
            ...this.secondFactor!,
          };
        }
        return this.#signedInResult(snapshot);
      },
    ).finally(() => password.clear());
  }

  /**
   * Completes a pending sign-in with the security key: pass the assertion, or a function that
   * signs DSM's challenge (`(options) => authenticator.getAssertion(options)`). A refused
   * assertion rejects with `SECOND_FACTOR_FAILED` and the sign-in stays pending.
   */
  async completeWithSecurityKey(
    proof: Fido2AssertionResult | AssertionProvider,
  ): Promise<SignedInResult> {
    this.#assertAlive();
    let assertion: unknown = proof;
    if (typeof proof === 'function') {
      this.#assertReadyForSecondFactor();
      const options = this.secondFactor?.fido2Options;
      if (!options) {
        throw new InvalidInputError(
          'DSM offered no FIDO2 challenge for this sign-in; use a recovery code.',
        );
      }
      assertion = await proof(options);
    }
    if (typeof assertion !== 'object' || assertion === null) {
      throw new InvalidInputError(
        'completeWithSecurityKey needs an assertion, or a function that returns one.',
      );
    }
    return sendRequest<SignedInResult>(
      this.actor,
      { type: 'completeWithAssertion', assertion },
      (snapshot) => snapshot.matches({ awaitingSecondFactor: 'verifyingAssertion' }),
      'security key check',
      (snapshot) => this.#signedInResult(snapshot),
    );
  }

  /** Completes a pending sign-in with a recovery code (each works once). */
  completeWithRecoveryCode(code: SecretInput): Promise<SignedInResult> {
    let secret: Secret<string>;
    try {
      this.#assertAlive();
      secret = checkSecret(code, 'recovery code');
    } catch (error) {
      return Promise.reject(error);
    }
    return sendRequest<SignedInResult>(
      this.actor,
      { type: 'completeWithRecoveryCode', code: secret },
      (snapshot) => snapshot.matches({ awaitingSecondFactor: 'verifyingRecoveryCode' }),
      'recovery code check',
      (snapshot) => this.#signedInResult(snapshot),
    ).finally(() => secret.clear());
  }

  /** Signs out (Terminate), or abandons a sign-in in flight. Resolves once signed out. */
  async signOut(): Promise<void> {
    this.#assertAlive();
    const state = this.state;
    if (SESSIONLESS.includes(state)) return;
    if (state !== 'signingOut') this.actor.send({ type: 'signOut' });
    await this.#waitUntilSessionless();
  }

  /**
   * Tells the controller the user is active (wire it to input events). While signed in, it
   * sends Refresh at most every `refreshIntervalMs`, which keeps the DSM session alive.
   */
  activity(): void {
    if (this.#disposing) return;
    this.actor.send({ type: 'activity' });
  }

  /** Calls `listener` with the current view now and after every change. */
  subscribe(listener: (view: SignInView) => void): () => void {
    return subscribeToView(
      this.actor,
      () => this.view,
      (view) => `${view.state}|${view.userId}|${view.busy}`,
      listener,
    );
  }

  /** Listens to one kind of event the sign-in emits. */
  on<T extends SignInEventType>(type: T, listener: (event: SignInEventOf<T>) => void): () => void {
    const subscription = this.actor.on(type, listener as (event: SignInEmitted) => void);
    return () => subscription.unsubscribe();
  }

  /** A JSON-safe snapshot with no token and no secret, for `createSignIn({ snapshot, token })`. */
  persist(): PersistedSignIn {
    const snapshot = this.actor.getSnapshot();
    return toPersistedSignIn(
      signInStateOf(snapshot),
      snapshot.context,
      this.#clock.now(),
      this.#options.snapshotKey,
    );
  }

  /**
   * Hands this controller's session to a configuration workflow of the same user: now if
   * signed in, and again after every new sign-in, so a workflow in `sessionExpired` resumes
   * (locked) as soon as the user signs in again. A 401 the workflow meets (its
   * `sessionExpired`) moves this controller to `expired`. Returns a function that detaches it.
   */
  attach(workflow: TwoFactorConfig): () => void {
    this.#assertAlive();
    return this.#handoff.attach(workflow);
  }

  /**
   * Creates the 2FA-configuration workflow for the signed-in session, attached (see `attach`).
   * Throws `SIGNED_OUT` unless signed in.
   */
  createTwoFactorConfig(
    options: Omit<TwoFactorConfigOptions, 'client' | 'userId'> = {},
  ): TwoFactorConfig {
    this.#assertAlive();
    return this.#handoff.create({ clock: this.#clock, ...options });
  }

  /**
   * Stops the controller: timers, requests in flight, attached workflows' handoff. The DSM
   * session stays open (the app may have stored the token) unless `signOut: true`, which sends
   * Terminate first (waiting at most `disposeTimeoutMs`). Later calls reject `DISPOSED`.
   */
  dispose(options: { signOut?: boolean } = {}): Promise<void> {
    if (this.#disposing) return this.#disposing;
    this.#disposing = (async () => {
      const state = this.state;
      if (options.signOut && !SESSIONLESS.includes(state) && state !== 'signingOut') {
        this.actor.send({ type: 'dispose' });
      }
      if (options.signOut && !SESSIONLESS.includes(this.state)) {
        await this.#waitUntilSessionless(this.#options.disposeTimeoutMs ?? 10_000).catch(() => {});
      }
      this.#handoff.detachAll();
      this.actor.stop();
      dependencies.delete(this.actor.system);
      this.#session = null;
    })();
    return this.#disposing;
  }

  #openSession(token: Secret<string>, fido2Options: Fido2RequestOptions | null): void {
    this.#session = { token, client: this.#anonymous.withToken(token), fido2Options };
  }

  /** Resolves when no session is left (signed out or expired); see `waitForSnapshot`. */
  #waitUntilSessionless(timeoutMs?: number): Promise<void> {
    return waitForSnapshot(
      this.actor,
      (snapshot) => SESSIONLESS.includes(signInStateOf(snapshot)),
      {
        clock: this.#clock,
        ...(timeoutMs !== undefined && { timeoutMs }),
        stopped: () => new WorkflowDisposedError('sign-in'),
        timedOut: () => new OperationInterruptedError('sign-out'),
      },
    );
  }

  #assertAlive(): void {
    if (this.#disposing) throw new WorkflowDisposedError('sign-in');
  }

  /** Refuses before the user touches the key, rather than after. */
  #assertReadyForSecondFactor(): void {
    const snapshot = this.actor.getSnapshot();
    if (!snapshot.matches('awaitingSecondFactor')) throw new NotAwaitingSecondFactorError();
    if (!snapshot.matches({ awaitingSecondFactor: 'ready' })) {
      const { retryAt } = snapshot.context;
      if (snapshot.matches({ awaitingSecondFactor: 'rateLimited' }) && retryAt !== null) {
        const left = retryAt - this.#clock.now();
        if (left > 0) throw rateLimitedUntilRetry('completeWithAssertion', left);
        return;
      }
      throw new WorkflowBusyError();
    }
  }

  #signedInResult(snapshot: Snapshot): SignedInResult | undefined {
    if (!snapshot.matches('signedIn')) return undefined;
    const { userId, method } = snapshot.context;
    return { state: 'signedIn', userId: userId ?? '', method: method ?? 'password' };
  }
}

/** Creates a sign-in controller for one DSM user session at a time. */
export function createSignIn(options: SignInOptions): SignIn {
  return new SignIn(options);
}
