import { createSignInMachine } from '../../machines/signIn.js';
import type {
  SignInEmitted,
  SignInEvent,
  SignInRefusalCode,
  SignInStateName,
} from '../../machines/signIn.types.js';
import { createDsmClient } from '../client/createDsmClient.js';
import type { Fido2AssertionResult, Fido2RequestOptions } from '../client/schemas.js';
import type { Secret, SecretInput } from '../client/secret.js';
import type { DsmClient } from '../client/types.js';
import {
  checkClock,
  checkDurations,
  checkSecret,
  checkText,
  createControllerActor,
  invalid,
  subscribeToView,
  topStateName,
  Waiters,
  waitForSnapshot,
} from '../controller/core.js';
import { readSnapshotKeys } from '../persistence/signer.js';
import { type Clock, perClock } from '../workflow/clock.js';
import type { TwoFactorConfig, TwoFactorConfigOptions } from '../workflow/createTwoFactorConfig.js';
import {
  InvalidSnapshotError,
  OperationInterruptedError,
  SessionExpiredError,
  WorkflowBusyError,
  WorkflowDisposedError,
} from '../workflow/errors.js';
import { createSignInActors } from './actors.js';
import {
  AlreadySignedInError,
  NotAwaitingSecondFactorError,
  rateLimitedUntilRetry,
} from './errors.js';
import { TwoFactorConfigHandoff } from './handoff.js';
import { fromPersistedSignIn, type PersistedSignIn, toPersistedSignIn } from './persistence.js';
import type {
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

const machineFor = perClock((clock) => createSignInMachine(() => clock.now()));

export function signInStateOf(snapshot: SignInSnapshot): SignInStateName {
  return topStateName<SignInStateName>(snapshot.value);
}

type RunsIn = Parameters<SignInSnapshot['matches']>[0];

const SESSIONLESS: readonly SignInStateName[] = ['signedOut', 'rateLimited', 'expired'];

/** The errors of the chart's refusals (RATE_LIMITED: the client's, with the wait left). */
const REFUSAL_ERRORS: Record<Exclude<SignInRefusalCode, 'RATE_LIMITED'>, new () => Error> = {
  BUSY: WorkflowBusyError,
  ALREADY_SIGNED_IN: AlreadySignedInError,
  NOT_AWAITING_SECOND_FACTOR: NotAwaitingSecondFactorError,
};

/**
 * DSM sign-in as an actor of `signInMachine` behind a promise API. The bearer token lives here,
 * never in the machine, its snapshots or its events.
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
  readonly #waiters = new Waiters();
  #requests = 0;
  /** The request being sent (a refusal answers it) and the one in flight (its outcome does). */
  #sending: string | null = null;
  #inFlight: string | null = null;

  constructor(options: SignInOptions) {
    if (!options || typeof options !== 'object' || !(options.client || options.baseUrl)) {
      invalid('createSignIn needs { baseUrl } or { client }.');
    }
    // Up to Date's range: long timers are re-armed.
    checkDurations(
      options,
      { refreshIntervalMs: 1, idleTimeoutMs: 1, rateLimitFallbackMs: 0 },
      8.64e15,
    );
    this.#options = options;
    this.#clock = checkClock(options.clock);
    this.#anonymous =
      options.client ?? createDsmClient({ ...options.clientOptions, baseUrl: options.baseUrl });
    // A bad key fails at creation, not at the first `persist()`.
    readSnapshotKeys(options.snapshotKey);
    const { snapshot } = options;
    const restore = snapshot === undefined ? null : fromPersistedSignIn(snapshot, options);
    if (restore && restore.state !== 'expired') {
      if (options.token === undefined) {
        throw new InvalidSnapshotError(
          'The stored snapshot has a session: pass the token stored with it (createSignIn({ snapshot, token })).',
        );
      }
      this.#openSession(checkSecret(options.token, 'token'), options.fido2Options ?? null);
    }

    const actors = createSignInActors({
      anonymous: this.#anonymous,
      clock: this.#clock,
      session: () => {
        if (!this.#session) throw new SessionExpiredError();
        return this.#session.client;
      },
      openSession: (token, fido2Options) => this.#openSession(token, fido2Options),
    });
    const { refreshIntervalMs, idleTimeoutMs, rateLimitFallbackMs, inspect } = options;
    this.actor = createControllerActor(machineFor(this.#clock).provide({ actors }), {
      input: { refreshIntervalMs, idleTimeoutMs, rateLimitFallbackMs, restore },
      clock: this.#clock,
      inspect,
    });
    this.#handoff = new TwoFactorConfigHandoff({
      client: () => this.client,
      userId: () => this.userId,
      sessionRejected: () => this.actor.send({ type: 'sessionRejected' }),
    });
    this.actor.on('*', (event) => this.#answer(event));
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
    this.actor.start();
  }

  get state(): SignInStateName {
    return signInStateOf(this.actor.getSnapshot());
  }

  /** DSM's `entity_id` of the user with a session; otherwise null. */
  get userId(): string | null {
    return this.#hasSession() ? this.actor.getSnapshot().context.userId : null;
  }

  /** A DSM client of the signed-in session, or null. */
  get client(): DsmClient | null {
    return this.state === 'signedIn' ? (this.#session?.client ?? null) : null;
  }

  /** The session's bearer token, wrapped (store it server-side; pass it back with the snapshot). */
  get token(): Secret<string> | null {
    return this.#hasSession() ? (this.#session?.token ?? null) : null;
  }

  get secondFactor(): SecondFactorOffer | null {
    const offer = this.actor.getSnapshot().context.secondFactor;
    if (this.state !== 'awaitingSecondFactor' || !offer) return null;
    const fido2Options = this.#session?.fido2Options ?? null;
    return {
      fido2Options,
      // Restored without DSM's challenge, a pending sign-in can use a recovery code only.
      allowedMethods: offer.methods.filter((method) => method !== 'fido2' || fido2Options),
    };
  }

  /** Wall-clock ms at which the session is idle, while signed in. */
  get idleDeadline(): number | null {
    return this.state === 'signedIn' ? this.actor.getSnapshot().context.idleDeadline : null;
  }

  get view(): SignInView {
    const snapshot = this.actor.getSnapshot();
    return {
      state: signInStateOf(snapshot),
      userId: this.userId,
      busy: snapshot.hasTag('busy'),
      secondFactor: this.secondFactor,
    };
  }

  /** Authenticate: resolves `signedIn`, or `awaitingSecondFactor` with DSM's challenge. */
  signIn(credentials: SignInCredentials): Promise<SignInResult> {
    return this.#checked(
      () => ({
        email: checkText(credentials?.email, 'The email', 256),
        password: checkSecret(credentials?.password, 'password'),
      }),
      ({ email, password }) =>
        this.#request<SignInResult>(
          { type: 'signIn', email, password },
          'sign-in',
          'authenticating',
        ).finally(() => password.clear()),
    );
  }

  /**
   * Completes a pending sign-in with the security key: the assertion, or a function that signs
   * DSM's challenge. A refused one rejects `SECOND_FACTOR_FAILED`; the sign-in stays pending.
   */
  async completeWithSecurityKey(
    proof: Fido2AssertionResult | AssertionProvider,
  ): Promise<SignedInResult> {
    this.#assertAlive();
    let assertion: unknown = proof;
    if (typeof proof === 'function') {
      this.#assertReadyForSecondFactor();
      const options = this.secondFactor?.fido2Options;
      if (!options)
        invalid('DSM offered no FIDO2 challenge for this sign-in; use a recovery code.');
      assertion = await proof(options);
    }
    if (typeof assertion !== 'object' || assertion === null) {
      invalid('completeWithSecurityKey needs an assertion, or a function that returns one.');
    }
    return this.#request({ type: 'completeWithAssertion', assertion }, 'security key check', {
      awaitingSecondFactor: 'verifyingAssertion',
    });
  }

  /** Completes a pending sign-in with a recovery code (each works once). */
  completeWithRecoveryCode(code: SecretInput): Promise<SignedInResult> {
    return this.#checked(
      () => checkSecret(code, 'recovery code'),
      (secret) =>
        this.#request<SignedInResult>(
          { type: 'completeWithRecoveryCode', code: secret },
          'recovery code check',
          { awaitingSecondFactor: 'verifyingRecoveryCode' },
        ).finally(() => secret.clear()),
    );
  }

  /** Signs out (Terminate), or abandons a sign-in in flight. Resolves once signed out. */
  async signOut(): Promise<void> {
    this.#assertAlive();
    const state = this.state;
    if (SESSIONLESS.includes(state)) return;
    if (state !== 'signingOut') this.actor.send({ type: 'signOut' });
    await this.#waitUntilSessionless();
  }

  /** The user is active: while signed in, Refresh goes out at most every `refreshIntervalMs`. */
  activity(): void {
    if (!this.#disposing) this.actor.send({ type: 'activity' });
  }

  subscribe(listener: (view: SignInView) => void): () => void {
    return subscribeToView(
      this.actor,
      () => this.view,
      (view) => `${view.state}|${view.userId}|${view.busy}`,
      listener,
    );
  }

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
   * Hands this session to a workflow of the same user, now and after every new sign-in (so a
   * `sessionExpired` workflow resumes); a 401 it meets expires this sign-in. Returns a detach.
   */
  attach(workflow: TwoFactorConfig): () => void {
    this.#assertAlive();
    return this.#handoff.attach(workflow);
  }

  /** The 2FA-configuration workflow of the signed-in session, attached. `SIGNED_OUT` otherwise. */
  createTwoFactorConfig(
    options: Omit<TwoFactorConfigOptions, 'client' | 'userId'> = {},
  ): TwoFactorConfig {
    this.#assertAlive();
    return this.#handoff.create({ clock: this.#clock, ...options });
  }

  /**
   * Stops the controller. The DSM session stays open (the app may have stored the token) unless
   * `signOut: true` sends Terminate first (at most `disposeTimeoutMs`). Later calls reject.
   */
  dispose(options: { signOut?: boolean } = {}): Promise<void> {
    this.#disposing ??= (async () => {
      if (options.signOut && !SESSIONLESS.includes(this.state)) {
        if (this.state !== 'signingOut') this.actor.send({ type: 'dispose' });
        await this.#waitUntilSessionless(this.#options.disposeTimeoutMs ?? 10_000).catch(() => {});
      }
      this.#handoff.detachAll();
      this.actor.stop();
      this.#session = null;
      this.#waiters.rejectAll(() => new WorkflowDisposedError('sign-in'));
    })();
    return this.#disposing;
  }

  #openSession(token: Secret<string>, fido2Options: Fido2RequestOptions | null): void {
    this.#session = { token, client: this.#anonymous.withToken(token), fido2Options };
  }

  #hasSession(): boolean {
    const state = this.state;
    return state === 'signedIn' || state === 'awaitingSecondFactor';
  }

  /** A bad argument rejects, never throws. */
  #checked<T, R>(check: () => T, run: (input: T) => Promise<R>): Promise<R> {
    try {
      this.#assertAlive();
      return run(check());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Sends a request; the chart's events settle it: a refusal, or the end of its `runsIn` state. */
  #request<T>(event: SignInEvent, kind: string, runsIn: RunsIn): Promise<T> {
    const id = String(++this.#requests);
    const before = this.actor.getSnapshot();
    this.#sending = id;
    const outcome = this.#waiters.wait<T>(id, kind, () => this.actor.send(event));
    this.#sending = null;
    const after = this.actor.getSnapshot();
    // Not refused, so it runs: unless the actor only queued it (a call from inside one of its
    // listeners), and then no answer would come for it.
    if (after !== before && after.matches(runsIn)) this.#inFlight = id;
    else this.#waiters.settle(id, new WorkflowBusyError());
    return outcome;
  }

  #answer(event: SignInEmitted): void {
    if (event.type === 'signedIn') this.#handoff.resumeAll();
    if (event.type === 'requestRefused') {
      const { code, request, retryAfterMs } = event;
      const error =
        code === 'RATE_LIMITED'
          ? rateLimitedUntilRetry(request, retryAfterMs)
          : new REFUSAL_ERRORS[code]();
      this.#waiters.settle(this.#sending, error);
      return;
    }
    const waiter = this.#waiters.get(this.#inFlight);
    const outcome = waiter && this.#outcomeOf(event, waiter.kind);
    if (!outcome) return;
    this.#waiters.settle(this.#inFlight, outcome.error, outcome.value);
    this.#inFlight = null;
  }

  #outcomeOf(event: SignInEmitted, kind: string): { error?: unknown; value?: SignInResult } | null {
    switch (event.type) {
      case 'signedIn':
        return { value: { state: 'signedIn', userId: event.userId, method: event.method } };
      case 'secondFactorRequired':
        return {
          value: { state: 'awaitingSecondFactor', userId: event.userId, ...this.secondFactor! },
        };
      case 'signInFailed':
      case 'secondFactorFailed':
        return { error: event.error };
      // Left unanswered: a 401 elsewhere ended the session (what the request would have met),
      // or a sign-out did (interrupted), answered now rather than once Terminate answers.
      case 'requestInterrupted':
        return {
          error:
            this.state === 'expired'
              ? new SessionExpiredError()
              : new OperationInterruptedError(kind),
        };
      default:
        return null;
    }
  }

  #waitUntilSessionless(timeoutMs?: number): Promise<void> {
    return waitForSnapshot(
      this.actor,
      (snapshot) => SESSIONLESS.includes(signInStateOf(snapshot)),
      {
        clock: this.#clock,
        timeoutMs,
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
    if (snapshot.matches({ awaitingSecondFactor: 'ready' })) return;
    if (!snapshot.matches('awaitingSecondFactor')) throw new NotAwaitingSecondFactorError();
    if (!snapshot.matches({ awaitingSecondFactor: 'rateLimited' })) throw new WorkflowBusyError();
    const left = snapshot.context.retryAt! - this.#clock.now();
    if (left > 0) throw rateLimitedUntilRetry('completeWithAssertion', left);
  }
}

/** Creates a sign-in controller for one DSM user session at a time. */
export function createSignIn(options: SignInOptions): SignIn {
  return new SignIn(options);
}
