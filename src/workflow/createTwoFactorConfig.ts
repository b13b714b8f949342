import {
  type Actor,
  createActor,
  type InspectionEvent,
  type Observer,
  type SnapshotFrom,
} from 'xstate';
import {
  createTwoFactorConfigMachine,
  isApprovalOperation,
  isConfigOperation,
  type TwoFactorConfigMachine,
} from '../../machines/twoFactorConfig.js';
import type {
  OperationKind,
  RefusalCode,
  TwoFactorConfigEmitted,
  TwoFactorConfigStateName,
} from '../../machines/twoFactorConfig.types.js';
import type {
  ApprovalRequest,
  Fido2AssertionResult,
  Fido2AttestationResult,
  Fido2CreationOptions,
  Fido2RequestOptions,
  User,
} from '../client/schemas.js';
import { Secret, type SecretInput } from '../client/secret.js';
import type { DsmClient } from '../client/types.js';
import type { SnapshotKeys } from '../persistence/signer.js';
import {
  type ActorDependencies,
  createTwoFactorConfigActors,
  type OperationInputs,
} from './actors.js';
import { attachBrowserLifecycle } from './browser.js';
import { type Clock, MAX_TIMER_MS, monotonicOf, systemClock, withLongTimers } from './clock.js';
import {
  InvalidInputError,
  InvalidSnapshotError,
  OperationInterruptedError,
  PasswordNotProvidedError,
  SessionExpiredError,
  TwoFactorConfigLockedError,
  TwoFactorConfigUnlockedError,
  UnknownOperationError,
  WorkflowBusyError,
  WorkflowDisposedError,
} from './errors.js';
import { machinesPerClock } from './machinesPerClock.js';
import type { Outcome } from './outcome.js';
import { type PersistedTwoFactorConfig, restoreFromOptions, toPersisted } from './persistence.js';
import { subscribeToView, topStateName, waitForSnapshot } from './snapshots.js';

export interface TwoFactorConfigOptions {
  /** A DSM client carrying the user's session (`createDsmClient({ baseUrl, token })`). */
  client: DsmClient;
  /** The signed-in user's id (DSM's `entity_id`), for device changes. */
  userId: string;
  /** DSM's auto-lock window. Default 600 000 ms. */
  autoLockMs?: number;
  /** How much earlier than DSM the client locks. Default 5 000 ms. */
  safetyMarginMs?: number;
  /** How long before the deadline `expiring` is emitted. Default 60 000 ms. */
  expiringWarningMs?: number;
  /** First terminate retry delay (doubled per attempt, up to 30 s). Default 500 ms. */
  terminateRetryBaseMs?: number;
  /**
   * Asked for the password when a config operation finds the configuration locked. One
   * prompt is shared by every caller waiting at that moment. Return nothing to cancel.
   */
  onPasswordRequired?: () => SecretInput | undefined | Promise<SecretInput | undefined>;
  /** Lock first when an approval operation finds the configuration unlocked. Default false. */
  lockBeforeApproval?: boolean;
  /** A snapshot from `persist()` (object or JSON text) to resume from. */
  snapshot?: PersistedTwoFactorConfig | string;
  /**
   * Signs `persist()`'s snapshots (HMAC-SHA-256) and refuses, on restore, any snapshot not
   * signed with it: altered, forged, unsigned, or another user's. At least 32 bytes (a string
   * counts its UTF-8 bytes); a list rotates keys (signs with the first, accepts any). Default:
   * none, and a stored snapshot is trusted as far as its storage is. See SECURITY.md.
   */
  snapshotKey?: SnapshotKeys;
  /** An XState inspection observer (the Stately inspector's `inspect`). */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** The clock for the deadline and timers. Default: the system clock. */
  clock?: Clock;
  /**
   * In browsers, re-check the deadline on `visibilitychange`/`focus`/`online` and dispose with
   * a keepalive terminate on `pagehide`. Default: on when `window` and `document` exist.
   */
  browserLifecycle?: boolean;
  /** How long `dispose()` waits for the terminate before stopping anyway. Default 10 000 ms. */
  disposeTimeoutMs?: number;
}

/** What `subscribe` listeners receive. */
export interface TwoFactorConfigView {
  state: TwoFactorConfigStateName;
  deadline: number | null;
  /** A request of this workflow is in flight. */
  busy: boolean;
}

export type TwoFactorConfigEventType = TwoFactorConfigEmitted['type'];
export type TwoFactorConfigEventOf<T extends TwoFactorConfigEventType> = Extract<
  TwoFactorConfigEmitted,
  { type: T }
>;

export type TwoFactorConfigActor = Actor<TwoFactorConfigMachine>;
type Snapshot = SnapshotFrom<TwoFactorConfigMachine>;

// One provided machine per clock, shared by every workflow on it: a live workflow costs an
// actor, not a machine definition. Each actor system maps to its workflow, and the actors build
// their dependencies from it when they start: per-workflow closures held for the workflow's
// life measured ~0.7 KB each (test/bench, heap per live workflow).
const dependencies = new WeakMap<object, TwoFactorConfig>();
let dependenciesOf: (workflow: TwoFactorConfig) => ActorDependencies;
const actors = createTwoFactorConfigActors((system) => {
  const found = dependencies.get(system);
  if (!found) throw new Error('This actor system has no 2FA workflow attached.');
  return dependenciesOf(found);
});
// Shared by every idle workflow's queue: a settled promise never changes.
const idleQueue: Promise<unknown> = Promise.resolve();
const machineFor = machinesPerClock((now, monotonic) =>
  createTwoFactorConfigMachine(now, monotonic).provide({ actors }),
);

export function stateNameOf(snapshot: Snapshot): TwoFactorConfigStateName {
  return topStateName<TwoFactorConfigStateName>(snapshot.value);
}

/** A request of this workflow is in flight: the chart tags those states `busy`. */
function isBusy(snapshot: Snapshot): boolean {
  return snapshot.hasTag('busy');
}

function refusalError(code: RefusalCode, kind: string): Error {
  switch (code) {
    case 'CONFIG_LOCKED':
      return new TwoFactorConfigLockedError();
    case 'CONFIG_UNLOCKED':
      return new TwoFactorConfigUnlockedError();
    case 'SESSION_EXPIRED':
      return new SessionExpiredError();
    case 'UNKNOWN_OPERATION':
      return new UnknownOperationError(kind);
    default:
      return new WorkflowBusyError();
  }
}

function checkPassword(password: unknown): Secret<string> {
  let plain: unknown = password;
  if (password instanceof Secret) {
    if (password.cleared) throw new InvalidInputError('The password was already used and cleared.');
    plain = password.reveal();
  }
  if (typeof plain !== 'string' || plain.length === 0) {
    throw new InvalidInputError('The password must be a non-empty string.');
  }
  // Our own copy: cleared once the request is sent, whatever the caller does with theirs.
  return new Secret(plain);
}

const EXTERNAL_EVENTS = new Set([
  'unlock',
  'lock',
  'operation',
  'checkDeadline',
  'sessionRenewed',
  'sessionEnded',
  'dispose',
]);

/** An operation's caller, waiting for the outcome its actor hands over. */
interface Waiter {
  outcome: Outcome | null;
}

function checkMs(name: string, value: number | undefined, { positive = false } = {}): void {
  if (value === undefined) return;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (positive && value === 0)
  ) {
    throw new InvalidInputError(
      `${name} must be a finite number of milliseconds, ${positive ? 'more than 0' : '0 or more'}.`,
    );
  }
  if (value > MAX_TIMER_MS) {
    throw new InvalidInputError(`${name} must be at most ${MAX_TIMER_MS} ms (about 24.8 days).`);
  }
}

/**
 * Why a raw `actor.send` event must not reach the machine, or null. XState stops the actor
 * for good on a malformed event, and takes a forged `xstate.*` event for an actor's answer.
 */
function externalEventProblem(event: unknown): string | null {
  if (typeof event !== 'object' || event === null) return 'An event must be an object.';
  const { type, password, opId, operation } = event as Record<string, unknown>;
  if (typeof type !== 'string' || !EXTERNAL_EVENTS.has(type)) {
    return `The event type must be one of ${[...EXTERNAL_EVENTS].join(', ')}.`;
  }
  if (type === 'unlock' && !(password instanceof Secret && !password.cleared)) {
    return 'An unlock event needs { password: Secret } (an uncleared Secret).';
  }
  const kind = (operation as { kind?: unknown } | null | undefined)?.kind;
  if (type === 'operation' && (typeof opId !== 'string' || typeof kind !== 'string')) {
    return 'An operation event needs { opId: string, operation: { kind: string, input? } }.';
  }
  return null;
}

function checkText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > 4096) {
    throw new InvalidInputError(`${what} must be a non-empty string of at most 4096 characters.`);
  }
  return value;
}

/**
 * The 2FA-configuration workflow: an XState actor of `twoFactorConfigMachine` behind a promise
 * API. Operations wait their turn (one request at a time); `lock()` and `dispose()` do not.
 */
export class TwoFactorConfig {
  readonly actor: TwoFactorConfigActor;
  readonly userId: string;
  #client: DsmClient;
  readonly #clock: Clock;
  readonly #options: TwoFactorConfigOptions;
  #queue: Promise<unknown> = idleQueue;
  #passwordPrompt: Promise<void> | null = null;
  #opSeq = 0;
  #keepalive = false;
  #disposing: Promise<void> | null = null;
  #detachBrowser: (() => void) | null = null;
  /** Callers waiting for an operation's outcome, by operation id. */
  readonly #waiters = new Map<string, Waiter>();

  static {
    dependenciesOf = (workflow) => ({
      client: () => workflow.#client,
      userId: workflow.userId,
      clock: workflow.#clock,
      keepalive: () => workflow.#keepalive,
      deliver: (opId, outcome) => {
        const waiter = workflow.#waiters.get(opId);
        if (waiter) waiter.outcome = outcome;
      },
    });
  }

  constructor(options: TwoFactorConfigOptions) {
    if (!options || typeof options !== 'object' || !options.client) {
      throw new InvalidInputError('createTwoFactorConfig needs a DSM client.');
    }
    this.userId = checkText(options.userId, 'userId');
    this.#options = options;
    this.#client = options.client;
    this.#clock = options.clock ?? systemClock;
    checkClock(this.#clock);
    const restore = restoreFromOptions(options, this.userId);
    checkMs('autoLockMs', options.autoLockMs, { positive: true });
    checkMs('safetyMarginMs', options.safetyMarginMs);
    checkMs('expiringWarningMs', options.expiringWarningMs);
    checkMs('terminateRetryBaseMs', options.terminateRetryBaseMs, { positive: true });
    checkMs('disposeTimeoutMs', options.disposeTimeoutMs);
    if (
      options.onPasswordRequired !== undefined &&
      typeof options.onPasswordRequired !== 'function'
    ) {
      throw new InvalidInputError('onPasswordRequired must be a function.');
    }
    if ((options.safetyMarginMs ?? 5_000) >= (options.autoLockMs ?? 600_000)) {
      throw new InvalidInputError('safetyMarginMs must be smaller than autoLockMs.');
    }
    // No honest snapshot locks later than one window from now (the margin absorbs clock skew
    // between a back end's instances): believing one could show "unlocked" after DSM locked.
    const windowEnd = this.#clock.now() + (options.autoLockMs ?? 600_000);
    const skew = options.safetyMarginMs ?? 5_000;
    if ((restore?.deadline ?? 0) > windowEnd || (restore?.serverLockBy ?? 0) > windowEnd + skew) {
      throw new InvalidSnapshotError(
        'The stored snapshot locks later than one auto-lock window from now: a clock is wrong, or it was altered.',
      );
    }

    this.actor = createActor(machineFor(this.#clock), {
      input: {
        ...(options.autoLockMs !== undefined && { autoLockMs: options.autoLockMs }),
        ...(options.safetyMarginMs !== undefined && { safetyMarginMs: options.safetyMarginMs }),
        ...(options.expiringWarningMs !== undefined && {
          expiringWarningMs: options.expiringWarningMs,
        }),
        ...(options.terminateRetryBaseMs !== undefined && {
          terminateRetryBaseMs: options.terminateRetryBaseMs,
        }),
        restore,
      },
      // Every delay is clamped to setTimeout's ceiling and re-armed, never fired early.
      clock: withLongTimers(this.#clock),
      ...(options.inspect !== undefined && { inspect: options.inspect }),
    });
    dependencies.set(this.actor.system, this);
    // Apps hold the actor (selectors, the inspector): a raw send gets a typed error too.
    const send = this.actor.send.bind(this.actor);
    this.actor.send = (event) => {
      const problem = externalEventProblem(event);
      if (problem) throw new InvalidInputError(problem);
      send(event);
    };
    this.actor.start();

    const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';
    if (options.browserLifecycle ?? inBrowser) {
      this.#detachBrowser = attachBrowserLifecycle(this);
    }
  }

  /** One of `locked`, `unlocking`, `unlocked`, `locking`, `sessionExpired`. */
  get state(): TwoFactorConfigStateName {
    return stateNameOf(this.actor.getSnapshot());
  }

  /**
   * Wall-clock ms at which the configuration locks, while unlocked; otherwise null. Two clocks,
   * the earlier wins: a wall clock stepped back does not move it later.
   */
  get deadline(): number | null {
    if (this.state !== 'unlocked') return null;
    const { deadline, monoDeadline } = this.actor.getSnapshot().context;
    if (deadline === null || monoDeadline === null) return deadline;
    const now = this.#clock.now();
    return Math.min(deadline, now + (monoDeadline - monotonicOf(this.#clock)()));
  }

  /** Milliseconds until the auto-lock (0 when not unlocked). */
  remainingMs(): number {
    const deadline = this.deadline;
    return deadline === null ? 0 : Math.max(0, deadline - this.#clock.now());
  }

  get view(): TwoFactorConfigView {
    const snapshot = this.actor.getSnapshot();
    return { state: stateNameOf(snapshot), deadline: this.deadline, busy: isBusy(snapshot) };
  }

  /** Unlocks the configuration with the user's password. Already unlocked: resolves at once. */
  unlock(password: SecretInput): Promise<{ deadline: number }> {
    let secret: Secret<string>;
    try {
      this.#assertAlive();
      secret = checkPassword(password);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#enqueue(async () => {
      try {
        // A late timer may still show "unlocked" past the deadline: let the clock decide first.
        this.actor.send({ type: 'checkDeadline' });
        await this.#settled();
        const state = this.state;
        if (state === 'unlocked') return { deadline: this.deadline! };
        if (state === 'sessionExpired') throw new SessionExpiredError();
        return await this.#sendAndAwait<{ deadline: number }>(
          () => this.actor.send({ type: 'unlock', password: secret }),
          (settle) => [
            this.actor.on('unlocked', (event) => settle.resolve({ deadline: event.deadline })),
            this.actor.on('unlockFailed', (event) => settle.reject(event.error)),
          ],
          (snapshot) => snapshot.matches('unlocking'),
          'unlock',
        );
      } finally {
        secret.clear();
      }
    });
  }

  /** Locks the configuration (terminate), aborting an unlock in flight. Does not queue. */
  async lock(): Promise<void> {
    this.#assertAlive();
    const state = this.state;
    if (state === 'locked' || state === 'sessionExpired') return;
    if (state !== 'locking') this.actor.send({ type: 'lock' });
    await this.#waitFor(
      (snapshot) => snapshot.matches('locked') || snapshot.matches('sessionExpired'),
    );
  }

  /** Asks DSM for a FIDO2 creation challenge (MfaNewChallenge). Config operation. */
  newDeviceChallenge(): Promise<Fido2CreationOptions> {
    return this.#operation('newDeviceChallenge', undefined) as Promise<Fido2CreationOptions>;
  }

  /** Registers a security key from `navigator.credentials.create()`'s result. Config operation. */
  addDevice(name: string, attestationResult: Fido2AttestationResult): Promise<User> {
    return this.#guardInput(() => ({
      name: checkText(name, 'The device name'),
      attestationResult,
    })).then((input) => this.#operation('addDevice', input)) as Promise<User>;
  }

  /** Removes a security key by name. Config operation. */
  removeDevice(name: string): Promise<User> {
    return this.#guardInput(() => ({ name: checkText(name, 'The device name') })).then((input) =>
      this.#operation('removeDevice', input),
    ) as Promise<User>;
  }

  /** Renames a security key. Config operation. */
  renameDevice(oldName: string, newName: string): Promise<User> {
    return this.#guardInput(() => ({
      oldName: checkText(oldName, 'The old device name'),
      newName: checkText(newName, 'The new device name'),
    })).then((input) => this.#operation('renameDevice', input)) as Promise<User>;
  }

  /** Replaces the user's recovery codes and returns the new ones. Config operation. */
  async generateRecoveryCodes(): Promise<string[]> {
    const codes = (await this.#operation('generateRecoveryCodes', undefined)) as Secret<
      readonly string[]
    >;
    return [...codes.reveal()];
  }

  /** Asks DSM for the FIDO2 assertion challenge of an approval request. Approval operation. */
  approvalChallenge(requestId: string): Promise<Fido2RequestOptions> {
    return this.#guardInput(() => ({ requestId: checkText(requestId, 'The request id') })).then(
      (input) => this.#operation('approvalChallenge', input),
    ) as Promise<Fido2RequestOptions>;
  }

  /** Approves a request with a FIDO2 assertion and/or the password. Approval operation. */
  approve(
    requestId: string,
    proof: { fido2AuthRequest?: Fido2AssertionResult; password?: SecretInput; body?: unknown },
  ): Promise<ApprovalRequest> {
    return this.#guardInput(() => {
      const input: OperationInputs['approve'] = {
        requestId: checkText(requestId, 'The request id'),
      };
      if (proof?.fido2AuthRequest) input.fido2AuthRequest = proof.fido2AuthRequest;
      if (proof?.password !== undefined) input.password = checkPassword(proof.password);
      if (proof?.body !== undefined) input.body = proof.body;
      if (!input.fido2AuthRequest && !input.password) {
        throw new InvalidInputError('Approving needs a FIDO2 assertion or the password.');
      }
      return input;
    }).then((input) => this.#operation('approve', input)) as Promise<ApprovalRequest>;
  }

  /** Denies a request. Approval operation. */
  deny(requestId: string, reason?: string): Promise<ApprovalRequest> {
    return this.#guardInput(() => ({
      requestId: checkText(requestId, 'The request id'),
      ...(reason !== undefined && { reason: String(reason).slice(0, 4096) }),
    })).then((input) => this.#operation('deny', input)) as Promise<ApprovalRequest>;
  }

  /** Re-checks the deadline now (a tab became visible, the laptop woke up). */
  checkDeadline(): void {
    if (this.#disposing) return;
    this.actor.send({ type: 'checkDeadline' });
  }

  /**
   * Hands the workflow a new DSM session (after `sessionExpired`, or a new sign-in). DSM's
   * unlock belongs to a session, so a new session ends the unlocked window: an unlocked,
   * unlocking or locking workflow goes to `locked` (reason `session`), and the terminate owed
   * to the old session goes out with the old session's token, never with the new one.
   */
  resumeSession(client: DsmClient): void {
    this.#assertAlive();
    if (!client || typeof client.config2faTerminate !== 'function') {
      throw new InvalidInputError('resumeSession needs a DSM client.');
    }
    if (client !== this.#client) {
      const old = this.#client;
      const owedTerminate = ['unlocking', 'unlocked', 'locking'].includes(this.state);
      if (owedTerminate) this.actor.send({ type: 'sessionEnded' });
      this.#client = client;
      // Best effort, with the old session's own token; DSM locks it by itself at its deadline.
      if (owedTerminate) old.config2faTerminate({ keepalive: this.#keepalive }).catch(() => {});
    }
    if (this.state === 'sessionExpired') this.actor.send({ type: 'sessionRenewed' });
  }

  /**
   * Tells the workflow its DSM session has ended (signed out, the app's idle timeout): the
   * unlock ended with it, so an unlocked, unlocking or locking workflow goes to `locked`
   * (reason `session`) without a request (a terminated session has nothing to lock).
   * `createSignIn` calls this for every workflow attached to it.
   */
  endSession(): void {
    if (this.#disposing || this.actor.getSnapshot().status !== 'active') return;
    this.actor.send({ type: 'sessionEnded' });
  }

  /** Calls `listener` with the current view now and after every change. */
  subscribe(listener: (view: TwoFactorConfigView) => void): () => void {
    return subscribeToView(
      this.actor,
      () => this.view,
      (view) => `${view.state}|${view.deadline}|${view.busy}`,
      listener,
    );
  }

  /** Listens to one kind of event the workflow emits. */
  on<T extends TwoFactorConfigEventType>(
    type: T,
    listener: (event: TwoFactorConfigEventOf<T>) => void,
  ): () => void {
    const subscription = this.actor.on(type, listener as (event: TwoFactorConfigEmitted) => void);
    return () => subscription.unsubscribe();
  }

  /** A JSON-safe snapshot with no secret in it, for `createTwoFactorConfig({ snapshot })`. */
  persist(): PersistedTwoFactorConfig {
    const snapshot = this.actor.getSnapshot();
    return toPersisted(
      this.userId,
      stateNameOf(snapshot),
      this.#wallClockContext(snapshot.context),
      this.#clock.now(),
      this.#options.snapshotKey,
    );
  }

  /**
   * The context with both bounds as wall-clock times, each read the safe way: the deadline by
   * the earlier clock, DSM's own lock by the later. Only the wall clock crosses a restart.
   */
  #wallClockContext(context: Snapshot['context']): Snapshot['context'] {
    const now = this.#clock.now();
    const mono = monotonicOf(this.#clock)();
    const { deadline, monoDeadline, serverLockBy, monoServerLockBy } = context;
    return {
      ...context,
      deadline:
        deadline === null || monoDeadline === null
          ? deadline
          : Math.min(deadline, now + (monoDeadline - mono)),
      serverLockBy:
        serverLockBy === null || monoServerLockBy === null
          ? serverLockBy
          : Math.max(serverLockBy, now + (monoServerLockBy - mono)),
    };
  }

  /**
   * Locks best-effort (a terminate, with `keepalive` in browsers when asked) and stops the
   * actor. Waits at most `disposeTimeoutMs`. Every later call rejects with `DISPOSED`.
   */
  dispose(options: { keepalive?: boolean } = {}): Promise<void> {
    if (this.#disposing) return this.#disposing;
    this.#keepalive = options.keepalive ?? false;
    this.#detachBrowser?.();
    this.#disposing = (async () => {
      const state = this.state;
      const running = this.actor.getSnapshot().status === 'active';
      if (running && (state === 'unlocked' || state === 'unlocking' || state === 'locking')) {
        this.actor.send({ type: 'dispose' });
        await this.#waitFor(
          (snapshot) =>
            snapshot.matches('locked') ||
            snapshot.matches('sessionExpired') ||
            // One attempt is best effort; DSM locks by itself at its deadline.
            snapshot.matches({ locking: 'retrying' }),
          this.#options.disposeTimeoutMs ?? 10_000,
        ).catch(() => {});
      }
      this.actor.stop();
      dependencies.delete(this.actor.system);
    })();
    return this.#disposing;
  }

  #assertAlive(): void {
    if (this.#disposing) throw new WorkflowDisposedError();
  }

  #guardInput<T>(build: () => T): Promise<T> {
    try {
      this.#assertAlive();
      return Promise.resolve(build());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      this.#assertAlive();
      return task();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async #operation(kind: OperationKind, input: unknown): Promise<unknown> {
    if (
      isConfigOperation(kind) &&
      this.state === 'locked' &&
      this.#options.onPasswordRequired &&
      !this.#disposing
    ) {
      await this.#sharedPasswordPrompt();
    }
    return this.#enqueue(async () => {
      await this.#settled();
      if (
        isApprovalOperation(kind) &&
        this.state === 'unlocked' &&
        this.#options.lockBeforeApproval
      ) {
        await this.lock();
      }
      const opId = `op-${++this.#opSeq}`;
      // The result travels from the actor to this caller only; the events say which outcome.
      const waiter: Waiter = { outcome: null };
      this.#waiters.set(opId, waiter);
      try {
        return await this.#sendAndAwait<unknown>(
          () => this.actor.send({ type: 'operation', opId, operation: { kind, input } }),
          (settle) => [
            this.actor.on('operationSucceeded', (event) => {
              if (event.opId !== opId) return;
              if (waiter.outcome?.ok) settle.resolve(waiter.outcome.value);
              else settle.reject(new OperationInterruptedError(kind));
            }),
            this.actor.on('operationFailed', (event) => {
              if (event.opId !== opId) return;
              settle.reject(waiter.outcome?.ok === false ? waiter.outcome.error : event.error);
            }),
            this.actor.on('operationRefused', (event) => {
              if (event.opId === opId) settle.reject(refusalError(event.code, event.kind));
            }),
          ],
          (snapshot) => snapshot.context.currentOperation?.opId === opId,
          kind,
        );
      } finally {
        this.#waiters.delete(opId);
      }
    });
  }

  #sharedPasswordPrompt(): Promise<void> {
    this.#passwordPrompt ??= (async () => {
      const password = await this.#options.onPasswordRequired!();
      if (password === undefined || password === '') throw new PasswordNotProvidedError();
      await this.unlock(password);
    })().finally(() => {
      this.#passwordPrompt = null;
    });
    return this.#passwordPrompt;
  }

  /**
   * Sends an event and settles on the first matching emitted outcome. If the machine leaves
   * the in-flight state without one (a lock, the deadline, dispose), rejects INTERRUPTED; if
   * it never entered it and said nothing, rejects BUSY.
   */
  #sendAndAwait<T>(
    send: () => void,
    listen: (settle: {
      resolve: (value: T) => void;
      reject: (error: unknown) => void;
    }) => Array<{ unsubscribe(): void }>,
    inFlight: (snapshot: Snapshot) => boolean,
    what: string,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      let started = false;
      const subscriptions: Array<{ unsubscribe(): void }> = [];
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        for (const subscription of subscriptions) subscription.unsubscribe();
        fn();
      };
      const settle = {
        resolve: (value: T) => finish(() => resolve(value)),
        reject: (error: unknown) => finish(() => reject(error)),
      };
      subscriptions.push(...listen(settle));
      subscriptions.push(
        this.actor.subscribe({
          next: (snapshot) => {
            if (inFlight(snapshot)) started = true;
            else if (started) settle.reject(new OperationInterruptedError(what));
          },
          error: (error) => settle.reject(error),
          complete: () => settle.reject(new WorkflowDisposedError()),
        }),
      );
      send();
      if (inFlight(this.actor.getSnapshot())) started = true;
      else settle.reject(new WorkflowBusyError());
    });
  }

  /** Waits until no request of this workflow is in flight. */
  #settled(): Promise<void> {
    return this.#waitFor((snapshot) => !isBusy(snapshot));
  }

  #waitFor(predicate: (snapshot: Snapshot) => boolean, timeoutMs?: number): Promise<void> {
    return waitForSnapshot(this.actor, predicate, {
      clock: this.#clock,
      ...(timeoutMs !== undefined && { timeoutMs }),
      stopped: () => new WorkflowDisposedError(),
      timedOut: () => new OperationInterruptedError('wait'),
    });
  }
}

function checkClock(clock: Clock): void {
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof clock.now !== 'function' ||
    typeof clock.setTimeout !== 'function' ||
    typeof clock.clearTimeout !== 'function' ||
    (clock.monotonic !== undefined && typeof clock.monotonic !== 'function')
  ) {
    throw new InvalidInputError(
      'clock must have now(), setTimeout() and clearTimeout() (and optionally monotonic()).',
    );
  }
}

/** Creates the 2FA-configuration workflow for one signed-in user. */
export function createTwoFactorConfig(options: TwoFactorConfigOptions): TwoFactorConfig {
  return new TwoFactorConfig(options);
}
