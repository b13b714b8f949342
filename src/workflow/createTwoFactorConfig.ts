import type { Actor, SnapshotFrom } from 'xstate';
import {
  createTwoFactorConfigMachine,
  DEFAULT_AUTO_LOCK_MS,
  DEFAULT_SAFETY_MARGIN_MS,
  isApprovalOperation,
  isConfigOperation,
  safeBounds,
  type TwoFactorConfigMachine,
} from '../../machines/twoFactorConfig.js';
import type {
  OperationKind,
  RefusalCode,
  RestoreState,
  TwoFactorConfigEmitted,
  TwoFactorConfigEvent,
  TwoFactorConfigInput,
  TwoFactorConfigStateName,
} from '../../machines/twoFactorConfig.types.js';
import type { DsmError } from '../client/errors/index.js';
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
import {
  type ControllerOptions,
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
import { type ActorDependencies, createTwoFactorConfigActors } from './actors.js';
import { attachBrowserLifecycle } from './browser.js';
import { type Clock, monotonicOf, perClock } from './clock.js';
import {
  OperationInterruptedError,
  PasswordNotProvidedError,
  SessionExpiredError,
  TwoFactorConfigLockedError,
  TwoFactorConfigUnlockedError,
  UnknownOperationError,
  WorkflowBusyError,
  WorkflowDisposedError,
} from './errors.js';
import { type PersistedTwoFactorConfig, toPersisted } from './persistence.js';

/** The durations are the chart's input (`TwoFactorConfigInput`). */
export interface TwoFactorConfigOptions
  extends Omit<TwoFactorConfigInput, 'restore' | 'terminateRetryMaxMs'>,
    ControllerOptions {
  /** A DSM client carrying the user's session (`createDsmClient({ baseUrl, token })`). */
  client: DsmClient;
  /** The signed-in user's id (DSM's `entity_id`), for device changes. */
  userId: string;
  /**
   * Asked for the password when a config operation finds it locked, once for every caller
   * waiting at that moment. Return nothing to cancel.
   */
  onPasswordRequired?: () => SecretInput | undefined | Promise<SecretInput | undefined>;
  /** Lock first when an approval operation finds the configuration unlocked. Default false. */
  lockBeforeApproval?: boolean;
  /** Not here: resume with `restoreTwoFactorConfig({ ...options, snapshot })`. */
  snapshot?: never;
  /** Re-check the deadline on wake-ups, dispose on `pagehide`. Default: on in browsers. */
  browserLifecycle?: boolean;
}

/** What `subscribe` listeners receive. */
export interface TwoFactorConfigView {
  state: TwoFactorConfigStateName;
  deadline: number | null;
  /** A request of this workflow is in flight. */
  busy: boolean;
  /** Unlocked, and the `expiring` warning has been given. */
  expiring: boolean;
}

type WithFailure<E> = E extends { error: unknown } ? Omit<E, 'error'> & { error: DsmError } : E;

export type TwoFactorConfigEventType = TwoFactorConfigEmitted['type'];
/** An event the workflow emits, by type; `error` fields are the library's typed errors. */
export type TwoFactorConfigEventOf<T extends TwoFactorConfigEventType> = WithFailure<
  Extract<TwoFactorConfigEmitted, { type: T }>
>;

export type TwoFactorConfigActor = Actor<TwoFactorConfigMachine>;
type Snapshot = SnapshotFrom<TwoFactorConfigMachine>;

// One provided machine per clock, not one per workflow (heap, test/bench): the actors find
// their workflow's dependencies through its actor system when they start.
const workflows = new WeakMap<object, TwoFactorConfig>();
let dependenciesOf: (workflow: TwoFactorConfig) => ActorDependencies;
const actors = createTwoFactorConfigActors((system) => {
  const workflow = workflows.get(system);
  if (!workflow) throw new WorkflowDisposedError();
  return dependenciesOf(workflow);
});
const machineFor = perClock((clock) =>
  createTwoFactorConfigMachine(() => clock.now(), monotonicOf(clock)).provide({ actors }),
);
const idleQueue: Promise<unknown> = Promise.resolve();
const UNLOCK = 'unlock';

export function stateNameOf(snapshot: Snapshot): TwoFactorConfigStateName {
  return topStateName<TwoFactorConfigStateName>(snapshot.value);
}

const REFUSAL_ERRORS: Record<Exclude<RefusalCode, 'UNKNOWN_OPERATION'>, new () => Error> = {
  CONFIG_LOCKED: TwoFactorConfigLockedError,
  CONFIG_UNLOCKED: TwoFactorConfigUnlockedError,
  SESSION_EXPIRED: SessionExpiredError,
  BUSY: WorkflowBusyError,
};

const stopped = () => new WorkflowDisposedError();
const timedOut = () => new OperationInterruptedError('wait');

/** Where DSM's configuration may be unlocked. */
const OPEN_STATES: TwoFactorConfigStateName[] = ['unlocking', 'unlocked', 'locking'];

const EXTERNAL_EVENTS = [
  'unlock',
  'lock',
  'operation',
  'checkDeadline',
  'sessionRenewed',
  'sessionEnded',
  'dispose',
];

const noInput = () => undefined;

/**
 * Whether a raw `actor.send` event may reach the machine. XState stops the actor for good on
 * a malformed event, and takes a forged `xstate.*` event for an actor's answer.
 */
function isExternalEvent(event: unknown): boolean {
  const { type, password, opId, operation } = Object(event) as Record<string, unknown>;
  return (
    EXTERNAL_EVENTS.includes(type as string) &&
    (type !== 'unlock' || (password instanceof Secret && !password.cleared)) &&
    (type !== 'operation' ||
      (typeof opId === 'string' && typeof (operation as { kind?: unknown })?.kind === 'string'))
  );
}

/**
 * The 2FA-configuration workflow: an actor of `twoFactorConfigMachine` behind a promise API.
 * Operations wait their turn; `lock()` and `dispose()` do not. Outcomes travel on one channel:
 * the actors hand results to the waiting caller, and the machine's events (which operation,
 * which outcome, which code) say when to settle.
 */
export class TwoFactorConfig {
  readonly actor: TwoFactorConfigActor;
  /** The actor's own, unchecked `send`. */
  readonly #post: (event: TwoFactorConfigEvent) => void;
  readonly userId: string;
  #client: DsmClient;
  readonly #clock: Clock;
  // The options read after creation, held on their own: a copy of the caller's options (as
  // restoreTwoFactorConfig makes) need not outlive the constructor.
  readonly #snapshotKey: TwoFactorConfigOptions['snapshotKey'];
  readonly #disposeTimeoutMs: number;
  readonly #onPasswordRequired: TwoFactorConfigOptions['onPasswordRequired'];
  readonly #lockBeforeApproval: boolean | undefined;
  #queue: Promise<unknown> = idleQueue;
  #queued = 0;
  #passwordPrompt: Promise<void> | null = null;
  #opSeq = 0;
  #keepalive = false;
  #disposing: Promise<void> | null = null;
  #detachBrowser: (() => void) | undefined;
  /** Made at the first request (heap). */
  #waiters: Waiters | undefined;

  static {
    dependenciesOf = (workflow) => ({
      client: () => workflow.#client,
      userId: workflow.userId,
      clock: workflow.#clock,
      keepalive: () => workflow.#keepalive,
      deliver: (opId, outcome, interrupted) => {
        const waiter = workflow.#waiters?.get(opId);
        if (!waiter) return;
        waiter.outcome = outcome;
        // A stopped actor's answer reaches no event: the workflow left the state first.
        if (interrupted)
          workflow.#waiters!.settle(opId, new OperationInterruptedError(waiter.kind));
      },
    });
  }

  /** Use `createTwoFactorConfig(options)`, or `restoreTwoFactorConfig`, which passes `restore`. */
  constructor(options: TwoFactorConfigOptions, restore: RestoreState | null = null) {
    if (typeof options?.client?.config2faAuth !== 'function') {
      invalid('client must be a DsmClient.');
    }
    this.userId = checkText(options.userId, 'userId');
    this.#client = options.client;
    const clock = checkClock(options.clock);
    this.#clock = clock;
    // A bad key fails at creation, not at the first persist().
    readSnapshotKeys(options.snapshotKey);
    if (options.snapshot !== undefined) {
      invalid('snapshot: use restoreTwoFactorConfig().');
    }
    checkDurations(options, {
      autoLockMs: 1,
      safetyMarginMs: 0,
      expiringWarningMs: 0,
      terminateRetryBaseMs: 1,
      disposeTimeoutMs: 0,
    });
    if (!['undefined', 'function'].includes(typeof options.onPasswordRequired)) {
      invalid('onPasswordRequired must be a function.');
    }
    this.#snapshotKey = options.snapshotKey;
    this.#disposeTimeoutMs = options.disposeTimeoutMs ?? 10_000;
    this.#onPasswordRequired = options.onPasswordRequired;
    this.#lockBeforeApproval = options.lockBeforeApproval;
    const { autoLockMs, safetyMarginMs, expiringWarningMs, terminateRetryBaseMs } = options;
    if ((safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS) >= (autoLockMs ?? DEFAULT_AUTO_LOCK_MS)) {
      invalid('safetyMarginMs must be < autoLockMs.');
    }

    this.actor = createControllerActor(machineFor(clock), {
      input: { restore, autoLockMs, safetyMarginMs, expiringWarningMs, terminateRetryBaseMs },
      clock,
      inspect: options.inspect,
    });
    workflows.set(this.actor.system, this);
    // Apps hold the actor (selectors, the inspector): a raw send gets a typed error too.
    this.#post = this.actor.send.bind(this.actor);
    this.actor.send = (event) => {
      if (!isExternalEvent(event)) {
        invalid(`Send a TwoFactorConfigEvent: ${EXTERNAL_EVENTS.join(', ')}.`);
      }
      this.#post(event);
    };
    this.actor.start();

    if (options.browserLifecycle ?? (typeof window === 'object' && typeof document === 'object')) {
      this.#detachBrowser = attachBrowserLifecycle(this);
    }
  }

  get state(): TwoFactorConfigStateName {
    return stateNameOf(this.actor.getSnapshot());
  }

  /** Wall-clock ms at which it locks, while unlocked (a clock stepped back never delays it). */
  get deadline(): number | null {
    return this.state === 'unlocked' ? this.#bounds().deadline : null;
  }

  /** Ms until the auto-lock (0 when not unlocked). */
  remainingMs(): number {
    return Math.max(0, (this.deadline ?? 0) - this.#clock.now());
  }

  get view(): TwoFactorConfigView {
    const snapshot = this.actor.getSnapshot();
    return {
      state: stateNameOf(snapshot),
      deadline: this.deadline,
      busy: snapshot.hasTag('busy'),
      expiring: snapshot.matches({ unlocked: { timer: 'expiring' } }),
    };
  }

  /** Unlocks with the user's password; resolves at once if unlocked. */
  unlock(password: SecretInput): Promise<{ deadline: number }> {
    return this.#guard(
      () => checkSecret(password, 'password'),
      (secret) =>
        this.#enqueue(async () => {
          try {
            // A late timer may still show "unlocked" past the deadline: let the clocks decide.
            if (this.state === 'unlocked') this.#post({ type: 'checkDeadline' });
            await this.#settled();
            if (this.state === 'unlocked') return { deadline: this.deadline! };
            if (this.state === 'sessionExpired') throw new SessionExpiredError();
            return (await this.#request(UNLOCK, UNLOCK, {
              type: 'unlock',
              password: secret,
            })) as { deadline: number };
          } finally {
            secret.clear();
          }
        }),
    );
  }

  /** Locks (terminate), aborting an unlock in flight. Does not queue. */
  async lock(): Promise<void> {
    this.#assertAlive();
    if (!OPEN_STATES.includes(this.state)) return;
    if (this.state !== 'locking') this.#post({ type: 'lock' });
    await this.#waitFor((snapshot) => !OPEN_STATES.includes(stateNameOf(snapshot)));
  }

  /** MfaNewChallenge: a FIDO2 creation challenge. Config operation. */
  newDeviceChallenge(): Promise<Fido2CreationOptions> {
    return this.#operation('newDeviceChallenge', noInput);
  }

  /** Registers a security key from `navigator.credentials.create()`'s result. Config operation. */
  addDevice(name: string, attestationResult: Fido2AttestationResult): Promise<User> {
    return this.#operation('addDevice', () => ({
      name: checkText(name, 'name'),
      attestationResult,
    }));
  }

  removeDevice(name: string): Promise<User> {
    return this.#operation('removeDevice', () => ({ name: checkText(name, 'name') }));
  }

  renameDevice(oldName: string, newName: string): Promise<User> {
    return this.#operation('renameDevice', () => ({
      oldName: checkText(oldName, 'oldName'),
      newName: checkText(newName, 'newName'),
    }));
  }

  /** Replaces the user's recovery codes and returns the new ones. Config operation. */
  generateRecoveryCodes(): Promise<string[]> {
    return this.#operation('generateRecoveryCodes', noInput);
  }

  /** Asks DSM for the FIDO2 assertion challenge of an approval request. Approval operation. */
  approvalChallenge(requestId: string): Promise<Fido2RequestOptions> {
    return this.#operation('approvalChallenge', () => ({
      requestId: checkText(requestId, 'requestId'),
    }));
  }

  /** Approves a request with a FIDO2 assertion and/or the password. Approval operation. */
  approve(
    requestId: string,
    proof: { fido2AuthRequest?: Fido2AssertionResult; password?: SecretInput; body?: unknown },
  ): Promise<ApprovalRequest> {
    return this.#operation('approve', () => {
      const { fido2AuthRequest, password, body } = proof ?? {};
      if (!fido2AuthRequest && password === undefined) {
        invalid('approve needs fido2AuthRequest or password.');
      }
      return {
        requestId: checkText(requestId, 'requestId'),
        fido2AuthRequest,
        password: password === undefined ? undefined : checkSecret(password, 'password'),
        body,
      };
    });
  }

  deny(requestId: string, reason?: string): Promise<ApprovalRequest> {
    return this.#operation('deny', () => ({
      requestId: checkText(requestId, 'requestId'),
      reason: reason === undefined ? undefined : String(reason).slice(0, 4096),
    }));
  }

  /** Re-checks the deadline now (a tab became visible, the laptop woke up). */
  checkDeadline(): void {
    if (!this.#disposing) this.#post({ type: 'checkDeadline' });
  }

  /**
   * Hands the workflow a new DSM session. DSM's unlock belongs to a session, so an open one goes
   * to `locked` (reason `session`), its terminate sent with the old session's token, never the new.
   */
  resumeSession(client: DsmClient): void {
    this.#assertAlive();
    if (typeof client?.config2faTerminate !== 'function') invalid('client must be a DsmClient.');
    const old = this.#client;
    const owed = client !== old && OPEN_STATES.includes(this.state);
    if (owed) this.#post({ type: 'sessionEnded' });
    this.#client = client;
    // Best effort, with the old session's own token; DSM locks it by itself at its deadline.
    if (owed) old.config2faTerminate({ keepalive: this.#keepalive }).catch(() => {});
    if (this.state === 'sessionExpired') this.#post({ type: 'sessionRenewed' });
  }

  /** The DSM session has ended, and its unlock with it: `locked` (reason `session`), no request. */
  endSession(): void {
    if (!this.#disposing) this.#post({ type: 'sessionEnded' });
  }

  subscribe(listener: (view: TwoFactorConfigView) => void): () => void {
    return subscribeToView(this.actor, () => this.view, JSON.stringify, listener);
  }

  on<T extends TwoFactorConfigEventType>(
    type: T,
    listener: (event: TwoFactorConfigEventOf<T>) => void,
  ): () => void {
    const subscription = this.actor.on(type, listener as (event: TwoFactorConfigEmitted) => void);
    return () => subscription.unsubscribe();
  }

  /** A JSON-safe snapshot with no secret in it, for `restoreTwoFactorConfig({ snapshot })`. */
  persist(): PersistedTwoFactorConfig {
    const snapshot = this.actor.getSnapshot();
    return toPersisted(
      this.userId,
      stateNameOf(snapshot),
      // A lock with no reason set is the user's, as the chart's `locked` event says.
      { ...snapshot.context, lockReason: snapshot.context.lockReason ?? 'user', ...this.#bounds() },
      this.#clock.now(),
      this.#snapshotKey,
    );
  }

  /**
   * Locks best-effort (a terminate, with `keepalive` when asked) and stops the actor, waiting at
   * most `disposeTimeoutMs`. Every later call rejects with `DISPOSED`.
   */
  dispose(options: { keepalive?: boolean } = {}): Promise<void> {
    this.#disposing ??= (async () => {
      this.#keepalive = options.keepalive ?? false;
      this.#detachBrowser?.();
      const active = this.actor.getSnapshot().status === 'active';
      if (active && OPEN_STATES.includes(this.state)) {
        this.#post({ type: 'dispose' });
        // One attempt is best effort; DSM locks by itself at its deadline. From here the
        // workflow is terminating, retrying, locked or sessionExpired: wait for any but the first.
        await this.#waitFor(
          (snapshot) => !snapshot.matches({ locking: 'terminating' }),
          this.#disposeTimeoutMs,
        ).catch(() => {});
      }
      this.actor.stop();
      workflows.delete(this.actor.system);
      this.#waiters?.rejectAll(stopped);
    })();
    return this.#disposing;
  }

  /** Both bounds as wall-clock times (only the wall clock crosses a restart). */
  #bounds() {
    return safeBounds(
      this.actor.getSnapshot().context,
      this.#clock.now(),
      monotonicOf(this.#clock)(),
    );
  }

  /** Disposed, or its actor stopped otherwise: no call could settle. */
  #assertAlive(): void {
    if (this.#disposing || this.actor.getSnapshot().status !== 'active') {
      throw new WorkflowDisposedError();
    }
  }

  /** Checks the input and runs `next` now (calls queue in order); a bad argument rejects. */
  #guard<T, R>(check: () => T, next: (value: T) => Promise<R>): Promise<R> {
    try {
      this.#assertAlive();
      return next(check());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.#queued++;
    const run = this.#queue
      .then(() => {
        this.#assertAlive();
        return task();
      })
      .finally(() => this.#queued--);
    this.#queue = run.catch(() => {});
    return run;
  }

  #operation<T>(kind: OperationKind, check: () => unknown): Promise<T> {
    const onPasswordRequired = this.#onPasswordRequired;
    const config = isConfigOperation(kind);
    return this.#guard(check, (input) => {
      // A config operation with nothing queued or in flight, not unlocked, and no prompt to
      // unlock: the chart refuses it at once (its event still reaches listeners and inspector).
      if (
        config &&
        !onPasswordRequired &&
        !this.#queued &&
        !this.actor.getSnapshot().hasTag('busy') &&
        this.state !== 'unlocked'
      ) {
        return this.#send<T>(kind, input);
      }
      return (async () => {
        if (config && this.state === 'locked' && onPasswordRequired) {
          await this.#sharedPasswordPrompt();
        }
        return this.#enqueue(async () => {
          await this.#settled();
          if (isApprovalOperation(kind) && this.state === 'unlocked' && this.#lockBeforeApproval) {
            await this.lock();
          }
          return this.#send<T>(kind, input);
        });
      })();
    });
  }

  #send<T>(kind: OperationKind, input: unknown): Promise<T> {
    const opId = `op-${++this.#opSeq}`;
    return this.#request(opId, kind, {
      type: 'operation',
      opId,
      operation: { kind, input },
    }) as Promise<T>;
  }

  #sharedPasswordPrompt(): Promise<void> {
    this.#passwordPrompt ??= (async () => {
      // Called as a plain function: the workflow is never the callback's `this`.
      const ask = this.#onPasswordRequired!;
      const password = await ask();
      if (password === undefined || password === '') throw new PasswordNotProvidedError();
      await this.unlock(password);
    })().finally(() => {
      this.#passwordPrompt = null;
    });
    return this.#passwordPrompt;
  }

  #listen(): Waiters {
    const waiters = new Waiters();
    this.actor.on('*', (event) => {
      // The unlock's events carry no opId: its waiter is UNLOCK.
      const id = (event as { opId?: string }).opId ?? UNLOCK;
      const outcome = waiters.get(id)?.outcome;
      switch (event.type) {
        case 'unlocked':
          return waiters.settle(id, undefined, { deadline: event.deadline });
        case 'operationSucceeded': {
          if (!outcome?.ok) return waiters.settle(id, new OperationInterruptedError(event.kind));
          const { value } = outcome;
          // Recovery codes travel wrapped in a Secret up to here; the caller gets a new array.
          return waiters.settle(
            id,
            undefined,
            value instanceof Secret ? [...value.reveal()] : value,
          );
        }
        case 'unlockFailed':
        case 'operationFailed':
          return waiters.settle(id, outcome && !outcome.ok ? outcome.error : event.error);
        case 'operationRefused': {
          // At the default depth a stack would hold only XState's frames and cost more than the
          // refusal: none then. An app that asked for deeper stacks gets its own frames in it.
          const limit = Error.stackTraceLimit;
          if (limit <= 10) Error.stackTraceLimit = 0;
          let error: Error;
          try {
            error =
              event.code === 'UNKNOWN_OPERATION'
                ? new UnknownOperationError(event.kind)
                : new REFUSAL_ERRORS[event.code]();
          } finally {
            Error.stackTraceLimit = limit;
          }
          return waiters.settle(id, error);
        }
      }
    });
    return waiters;
  }

  #request(id: string, kind: string, event: TwoFactorConfigEvent): Promise<unknown> {
    this.#waiters ??= this.#listen();
    return this.#waiters.wait(id, kind, () => this.#post(event));
  }

  #settled(): Promise<void> {
    return this.#waitFor((snapshot) => !snapshot.hasTag('busy'));
  }

  #waitFor(predicate: (snapshot: Snapshot) => boolean, timeoutMs?: number): Promise<void> {
    return waitForSnapshot(this.actor, predicate, {
      clock: this.#clock,
      timeoutMs,
      stopped,
      timedOut,
    });
  }
}

/** Creates the 2FA-configuration workflow for one signed-in user. */
export function createTwoFactorConfig(options: TwoFactorConfigOptions): TwoFactorConfig {
  return new TwoFactorConfig(options);
}
