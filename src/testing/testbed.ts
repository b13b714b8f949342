/**
 * The testbed: the DSM emulator as the server, a user signed in (with a security key for
 * approvals), and a real `TwoFactorConfig` on a client that counts its requests. It arranges
 * DSM's answers, moves time, and waits for the workflow to settle; `startWorkflowTestbed`
 * builds one, `workflowTestParams` drives it along a model path.
 */
import { setImmediate as realImmediate } from 'node:timers/promises';
import type { TwoFactorConfigEmitted } from '../../machines/twoFactorConfig.types.js';
import { operationIdsSentWhile } from '../client/operations.js';
import type { Secret } from '../client/secret.js';
import type { DsmClient, DsmClientOptions } from '../client/types.js';
import type { EmulatorApp } from '../emulator/app.js';
import type { EmulatorOptions } from '../emulator/options.js';
import type { SoftAuthenticator } from '../emulator/softAuthenticator.js';
import type { Clock } from '../workflow/clock.js';
import {
  createTwoFactorConfig,
  type TwoFactorConfig,
  type TwoFactorConfigOptions,
} from '../workflow/createTwoFactorConfig.js';
import type { PersistedTwoFactorConfig } from '../workflow/persistence.js';
import { restoreTwoFactorConfig } from '../workflow/restoreTwoFactorConfig.js';
import { arrangeAnswer } from './arrangeAnswer.js';
import type { RequestLog, Sender, SentRequest } from './requestLog.js';
import type { TestSession } from './session.js';
import type { TimeControl } from './timeControl.js';

export interface WorkflowTestbedOptions {
  /** Moves the fake clock: `fakeTimersControl(vi)`. */
  time: TimeControl;
  /**
   * `http` (default): the emulator on 127.0.0.1 and real sockets. `in-process`: the same
   * emulator through its in-process `fetch`, faster for thousands of runs.
   */
  transport?: 'http' | 'in-process';
  /** Emulator options (the demo user is the testbed's user unless you seed your own first). */
  emulator?: EmulatorOptions;
  /**
   * A user the emulator already has, to be the testbed's (its password for the unlock): with
   * `on`, many testbeds on one user, as one person's tabs and devices, each with a session of
   * its own; devices, recovery codes and approvals are then the user's, shared. Default: on
   * `on`, a user of the testbed's own; otherwise the first seeded user (or the demo user). Once
   * a security key is registered sign-in asks for it, which only its testbed holds: with
   * several testbeds on one user, take `session: 'direct'`.
   */
  user?: { email: string; password: string };
  /**
   * An emulator you started (`startEmulator()` for HTTP, `createEmulatorApp()` in process),
   * shared by many testbeds: each adds a user of its own, and `close()` leaves it running.
   * Cheaper than an emulator per test. Testbeds on one emulator run one at a time (faults
   * are the emulator's). `transport` and `emulator` are then ignored.
   */
  on?: EmulatorApp;
  /**
   * Register a security key before the workflow starts (default true). Approvals need one;
   * leave it out to save a few requests when the path has none.
   */
  securityKey?: boolean;
  /**
   * How the user gets a session. `signIn` (default): through DSM's API, with the security key
   * as second factor once registered. `direct`: created in the emulator's state with no
   * request, cheaper when sign-in is not what you test (and immune to the faults you inject).
   */
  session?: 'signIn' | 'direct';
  /** The workflow's client: its retries (default `TESTBED_RETRY`) and per-request timeout. */
  client?: Pick<DsmClientOptions, 'retry' | 'timeoutMs'>;
  /** Options for `createTwoFactorConfig` (not `client` or `userId`). */
  workflow?: Partial<Omit<TwoFactorConfigOptions, 'client' | 'userId'>>;
  /**
   * Called with every workflow the testbed creates, as soon as it exists: the one under test,
   * each `restart()`'s and each `createWorkflow()`'s. Watch them there (`actor.on`, `subscribe`,
   * a scan of what they show); an `inspect` for all of them goes in `workflow.inspect`. (The
   * testbed checks invariants 1 and 2 for each of them itself: `violations`.)
   */
  onWorkflow?: (workflow: TwoFactorConfig) => void;
}

/** Options for `createWorkflow`: the workflow's, and a snapshot to restore from. */
export type WorkflowOptions = Partial<Omit<TwoFactorConfigOptions, 'snapshot'>> & {
  snapshot?: PersistedTwoFactorConfig | string;
};

/** The client's retries, kept short: a retry backoff is a timer the testbed has to run. */
export const TESTBED_RETRY = { limit: 2, backoffMs: 100, maxBackoffMs: 1_000 };
/**
 * A workflow the testbed watches: the client it gave it (whose requests are checked against
 * this workflow's state), the session that client carries, the clock the workflow reads.
 */
interface Watch {
  /** `undefined` only while the workflow is being built. */
  workflow: TwoFactorConfig | undefined;
  /** How violations name it: `''` for the workflow under test, ` by createWorkflow() #n`. */
  readonly name: string;
  client: DsmClient;
  /** The session the client carries (the workflow under test's follows `renewSession`). */
  token: Secret<string>;
  readonly clock: Clock | undefined;
  /**
   * Another client (another tab, `testbed.client`, another part of the app) locked DSM for its
   * session while the workflow's window was open: invariant 1 is for a single client, so it
   * is not checked until the workflow is locked again.
   */
  excused: boolean;
  /** Invariant 1 is breached now and already reported (one report per breach, not per check). */
  reported: boolean;
}

/** States in which a workflow's window may be open (DSM unlocked for its session). */
const OPEN_STATES: ReadonlySet<string> = new Set(['unlocking', 'unlocked', 'locking']);

/** Real time a step may take to settle (the work is real I/O; time itself is fake). */
const SETTLE_LIMIT_MS = 10_000;
/** Turns of the event loop given to an answer on its way through the client. */
const IO_TURNS = 20;
/**
 * DSM's operationIds the workflow may send only while unlocked, before the deadline (the config
 * operations), from the client's operation table: what invariant 2 checks.
 */
export const CONFIG_OPERATION_IDS: ReadonlySet<string> = new Set(operationIdsSentWhile('unlocked'));
/** DSM's operationIds the workflow may send only while locked (the approval operations). */
export const APPROVAL_OPERATION_IDS: ReadonlySet<string> = new Set(operationIdsSentWhile('locked'));
/**
 * Real elapsed time for that limit, read before any test fakes `performance` (which a test
 * does to move the workflow's monotonic clock with its fake timers).
 */
const realElapsed = globalThis.performance.now.bind(globalThis.performance);

export class WorkflowTestbed {
  readonly emulator: EmulatorApp;
  /**
   * The user's security keys (software ones): the approval key, and a key of its own for every
   * credential added later, since DSM excludes the credentials a key already holds. Signs with
   * whichever key holds a credential DSM allows.
   */
  readonly authenticator: SoftAuthenticator;
  readonly email: string;
  /** The user's password. The testbed never prints it. */
  readonly password: string;
  /** A password DSM refuses. */
  readonly wrongPassword = 'a wrong password typed by a model test';
  /** Every event the workflow emitted, oldest first. */
  readonly emitted: TwoFactorConfigEmitted[] = [];
  /**
   * Breaches of the product's invariants seen so far, by every workflow the testbed creates
   * (the one under test, `restart()`'s, `createWorkflow()`'s; another's are named, `by
   * createWorkflow() #1`), checked as they happen: 1, a workflow says unlocked with time left
   * while DSM (with the session alive) is locked, checked at every state change, every request
   * any client sends, every pass of `settle()`, every move of `time` and `checkInvariants()`
   * (a single client's: not while another workflow of the testbed shares its session, nor
   * after another client locked DSM for it); 2, a workflow's client sends a config request
   * while that workflow runs no operation unlocked before the deadline (by both clocks), or an
   * approval request while it runs no approval locked. Requests of no workflow
   * (`openSession()`'s clients, `client`) are logged but not checked. Empty when all is well.
   */
  readonly violations: string[] = [];
  /**
   * Moves time: the `time` you passed, checking invariant 1 after each move. (Moving your own
   * clock or fake timers directly is not seen: call `checkInvariants()` after.)
   */
  readonly time: TimeControl;
  #workflow!: TwoFactorConfig;
  /** The workflows it watches (stopped ones are let go). */
  #watches: Watch[] = [];
  #mainWatch!: Watch;
  /** The session each client the testbed made carries: the session's, `openSession()`'s. */
  readonly #tokens = new WeakMap<DsmClient, Secret<string>>();
  readonly #clientFor: (fetch: typeof globalThis.fetch, token: Secret<string>) => DsmClient;
  /** Workflows made by `createWorkflow`, so far. */
  #createdCount = 0;
  #session: TestSession;
  readonly #requests: RequestLog;
  readonly #owned: { close?: () => Promise<void> };
  readonly #options: WorkflowTestbedOptions;
  readonly #newSession: () => Promise<TestSession>;
  /** Workflows made by `createWorkflow`, disposed of by `close()`. */
  readonly #others: TwoFactorConfig[] = [];
  #warned = false;
  /** Clock jumps since the last unlock: timers armed before them are late by this much. */
  #sleptMs = 0;

  constructor(parts: {
    emulator: EmulatorApp;
    /** What `close()` stops: the emulator, unless it is shared. */
    owner: { close?: () => Promise<void> };
    requests: RequestLog;
    authenticator: SoftAuthenticator;
    session: TestSession;
    /** A new session for the same user (`renewSession`). */
    newSession: () => Promise<TestSession>;
    /** A client of the testbed's sending through `fetch` with `token`: one per workflow. */
    clientFor: (fetch: typeof globalThis.fetch, token: Secret<string>) => DsmClient;
    credentials: { email: string; password: string };
    options: WorkflowTestbedOptions;
  }) {
    this.emulator = parts.emulator;
    this.#owned = parts.owner;
    this.#requests = parts.requests;
    this.authenticator = parts.authenticator;
    this.#session = parts.session;
    this.#tokens.set(parts.session.client, parts.session.token);
    this.#newSession = parts.newSession;
    this.#clientFor = parts.clientFor;
    this.email = parts.credentials.email;
    this.password = parts.credentials.password;
    this.time = checkedTime(parts.options.time, () => this.checkInvariants());
    this.#options = parts.options;
    // Requests of no workflow: logged as `other`, not checked, but a terminate ends the window
    // of the workflows on its session, and invariant 1 is checked as they leave.
    parts.requests.stateNow = ({ operationId, bearer }) => {
      if (operationId === 'Config2faTerminate') this.#excuseOthers(undefined, bearer());
      this.checkInvariants();
      return 'other';
    };
    this.#start();
  }

  /** Creates the workflow (from `snapshot`, when given) on the current session, and watches it. */
  #start(snapshot?: string): void {
    const { workflow, watch } = this.#create({ ...(snapshot !== undefined && { snapshot }) }, '');
    this.#workflow = workflow;
    // Always on a session of the testbed's: watched.
    this.#mainWatch = watch as Watch;
    workflow.actor.on('*', (event) => {
      this.emitted.push(event as TwoFactorConfigEmitted);
      if (event.type === 'unlocked') {
        this.#warned = false;
        this.#sleptMs = 0;
      }
      if (event.type === 'expiring') this.#warned = true;
    });
  }

  /** The controller under test: hand it to your UI. */
  get workflow(): TwoFactorConfig {
    return this.#workflow;
  }

  /**
   * DSM operations sent so far through the testbed's clients, oldest first: every workflow's,
   * and `openSession()`'s, `client`'s.
   */
  get requestsSent(): readonly string[] {
    return this.#requests.sent.map((request) => request.operationId);
  }

  /**
   * The same requests with the state of the workflow that sent each (`other` for a client of
   * no workflow) when it left, and whether it is answered.
   */
  get requests(): readonly SentRequest[] {
    return this.#requests.sent;
  }

  /**
   * Requests DSM received so far, of one operation or all: from any client (another tab's, your
   * own), and on a shared emulator from every testbed on it.
   */
  requestCount(operationId?: string): number {
    return this.emulator.requests.filter(
      (record) => operationId === undefined || record.operationId === operationId,
    ).length;
  }

  /** Forgets the requests sent so far (a long run keeps its memory flat). */
  forgetRequests(): void {
    this.#requests.clear();
  }

  /**
   * From now on the client's requests for `operationId` go to a loopback port where nothing
   * listens: a real `ECONNREFUSED`, which an injected fault only imitates.
   */
  unreachable(operationId: string): Promise<void> {
    return this.#requests.unreachable(operationId);
  }

  /**
   * Another workflow on the same session (or on `options.client`'s: an `openSession()`
   * client), with the testbed's workflow options and `options` over them; from
   * `options.snapshot` (`restoreTwoFactorConfig`) when given: a second tab, a back end restoring
   * a stored snapshot. Watched like the one under test: it gets a client of its own on that
   * session, and `violations` names its breaches of invariants 1 and 2 (`by createWorkflow()
   * #1`); `emitted` stays the workflow under test's. A client of your own (not one the testbed
   * made) is used as it is, and neither logged nor checked. `close()` disposes of it.
   */
  createWorkflow(options: WorkflowOptions = {}): TwoFactorConfig {
    const { workflow } = this.#create(options, ` by createWorkflow() #${this.#createdCount + 1}`);
    this.#createdCount += 1;
    this.#others.push(workflow);
    return workflow;
  }

  /**
   * Creates a workflow on a client of its own, whose requests are logged with this workflow's
   * state and checked against it (invariant 2), when `client` is one of the testbed's sessions.
   */
  #create(
    { snapshot, ...options }: WorkflowOptions,
    name: string,
  ): { workflow: TwoFactorConfig; watch: Watch | undefined } {
    const all = {
      browserLifecycle: false,
      client: this.#session.client,
      userId: this.#session.userId,
      ...this.#options.workflow,
      ...options,
    };
    const token = this.#tokens.get(all.client);
    let watch: Watch | undefined;
    if (token) {
      watch = {
        workflow: undefined,
        name,
        token,
        clock: all.clock,
        excused: false,
        reported: false,
      } as Watch;
      watch.client = this.#watchedClient(watch, token);
      all.client = watch.client;
    }
    const workflow =
      snapshot === undefined
        ? createTwoFactorConfig(all)
        : restoreTwoFactorConfig({ ...all, snapshot });
    if (watch) {
      watch.workflow = workflow;
      this.#watches = this.#watches.filter(
        (w) => w.workflow?.actor.getSnapshot().status === 'active',
      );
      this.#watches.push(watch);
      const seen = watch;
      workflow.subscribe(() => this.#checkUnlockedAlone(seen));
    }
    this.#options.onWorkflow?.(workflow);
    return { workflow, watch };
  }

  /** A client on `token` whose requests are logged and checked as `watch`'s workflow's. */
  #watchedClient(watch: Watch, token: Secret<string>): DsmClient {
    const sender: Sender = ({ operationId }) => {
      const state = this.#stateAtSend(watch, operationId);
      if (operationId === 'Config2faTerminate') this.#excuseOthers(watch, token.reveal());
      this.checkInvariants();
      return state;
    };
    return this.#clientFor(this.#requests.fetchAs(sender), token);
  }

  /**
   * The client the testbed gave `workflow` (the one under test, or another it created):
   * requests through it are logged and checked as that workflow's own. To see the check at
   * work, or to stand in for a workflow that sends behind its own guards.
   */
  clientOf(workflow: TwoFactorConfig): DsmClient {
    const watch = this.#watches.find((candidate) => candidate.workflow === workflow);
    if (!watch)
      throw new Error(
        'The testbed watches no such workflow (a stopped one, or on a client of your own).',
      );
    return watch.client;
  }

  /**
   * A back end between two requests: persists the workflow, stops it without a terminate, and
   * restores a new one from the snapshot (`testbed.workflow` is then the new one).
   */
  restart(): TwoFactorConfig {
    const stored = JSON.stringify(this.#workflow.persist());
    this.#workflow.actor.stop();
    this.#start(stored);
    return this.#workflow;
  }

  /** What the workflow's state is as its request leaves, after checking invariant 2 for it. */
  #stateAtSend(watch: Watch, operationId: string): string {
    const { workflow, name } = watch;
    // A restore may send its terminate while it is being built: neither config nor approval.
    if (!workflow) return 'starting';
    const snapshot = workflow.actor.getSnapshot();
    if (CONFIG_OPERATION_IDS.has(operationId)) {
      const { deadline, monoDeadline } = snapshot.context;
      const { now, monotonic } = clockOf(watch.clock);
      const late =
        deadline === null ||
        now >= deadline ||
        (monoDeadline !== null && monotonic >= monoDeadline);
      if (!snapshot.matches({ unlocked: { operation: 'running' } }) || late) {
        this.violations.push(
          `invariant 2: ${operationId} sent${name} while ${JSON.stringify(snapshot.value)}, ${deadline === null ? 'no deadline' : `${now - deadline} ms past the deadline`}`,
        );
      }
    }
    if (APPROVAL_OPERATION_IDS.has(operationId) && !snapshot.matches({ locked: 'approving' })) {
      this.violations.push(
        `invariant 2: ${operationId} sent${name} while ${JSON.stringify(snapshot.value)}`,
      );
    }
    return workflow.state;
  }

  /**
   * Checks invariant 1 now for every workflow the testbed watches (it also does at every state
   * change, request, pass of `settle()` and move of `time`): call it after moving a clock of
   * your own. Returns `violations`.
   */
  checkInvariants(): readonly string[] {
    for (const watch of this.#watches) this.#checkUnlockedAlone(watch);
    return this.violations;
  }

  /** Invariant 1 for one workflow: unlocked with time left while DSM, for its session, is locked. */
  #checkUnlockedAlone(watch: Watch): void {
    const { workflow } = watch;
    if (workflow?.actor.getSnapshot().status !== 'active') return;
    const state = workflow.state;
    if (!OPEN_STATES.has(state)) watch.excused = false;
    const breach = state === 'unlocked' && this.#unlockedAlone(watch);
    if (breach && !watch.reported) {
      const who = watch.name === '' ? 'the workflow' : `the workflow${watch.name}`;
      this.violations.push(
        `invariant 1: ${who} is unlocked (${workflow.remainingMs()} ms left) while DSM is locked`,
      );
    }
    watch.reported = breach;
  }

  /** Time left, the only workflow on its session, no other client locked it, and DSM locked. */
  #unlockedAlone(watch: Watch): boolean {
    if (watch.excused || (watch.workflow as TwoFactorConfig).remainingMs() <= 0) return false;
    const token = watch.token.reveal();
    const shared = this.#watches.some(
      (other) =>
        other !== watch &&
        other.workflow?.actor.getSnapshot().status === 'active' &&
        other.token.reveal() === token,
    );
    if (shared) return false;
    const server = this.emulator.lockState(token);
    // An expired session cannot be seen until a request finds out; only a live one counts.
    return server.sessionAlive && !server.unlocked;
  }

  /**
   * A terminate leaves for the session `token` (from `by`, or a client of no workflow): the
   * windows the other workflows on that session hold are no longer theirs alone.
   */
  #excuseOthers(by: Watch | undefined, token: string | null): void {
    if (token === null) return;
    for (const watch of this.#watches) {
      const state = watch.workflow?.state;
      if (watch !== by && state && OPEN_STATES.has(state) && watch.token.reveal() === token) {
        watch.excused = true;
      }
    }
  }

  /** `expiring` was emitted since the last `unlocked`. */
  get warned(): boolean {
    return this.#warned;
  }

  /** DSM's truth: is the configuration unlocked for the current session? */
  serverUnlocked(): boolean {
    return this.emulator.lockState(this.#session.token.reveal()).unlocked;
  }

  /** The current session's token, wrapped. */
  get token(): Secret<string> {
    return this.#session.token;
  }

  /** The password the user types for an UNLOCK event. */
  passwordFor(event: { answer?: string }): string {
    return event.answer === 'wrongPassword' ? this.wrongPassword : this.password;
  }

  /** Strings that must never appear in anything observable. */
  get secrets(): string[] {
    return [this.password, this.wrongPassword, this.#session.token.reveal()];
  }

  /** Changes the emulator so that DSM answers `event` the way it says. */
  arrange(event: Parameters<typeof arrangeAnswer>[0]): Promise<void> {
    // Another tab locks DSM for the session: the workflow's window is not its alone any more.
    if ('answer' in event && event.answer === 'configLocked') {
      this.#excuseOthers(undefined, this.#session.token.reveal());
    }
    return arrangeAnswer(event, {
      emulator: this.emulator,
      token: () => this.#session.token.reveal(),
      password: this.password,
      terminateAttempts: retryLimitOf(this.#options.client?.retry) + 1,
    });
  }

  /**
   * Starts a new session for the user (signing in again, or directly with `session:
   * 'direct'`) and hands it to the workflow: after `sessionExpired`, or at any time, as an
   * app does after signing in again. Returns the new session's client.
   */
  async renewSession(): Promise<DsmClient> {
    this.#session = await this.#newSession();
    this.#tokens.set(this.#session.client, this.#session.token);
    const watch = this.#mainWatch;
    watch.client = this.#watchedClient(watch, this.#session.token);
    this.#workflow.resumeSession(watch.client);
    watch.token = this.#session.token;
    return this.#session.client;
  }

  /**
   * Another session for the same user, not handed to the workflow: another tab or device.
   * Its requests are logged (as `other`) but not checked; a workflow on it
   * (`createWorkflow({ client })`) gets a client of its own on the session, and is watched.
   */
  async openSession(): Promise<{ client: DsmClient; token: Secret<string> }> {
    const { client, token } = await this.#newSession();
    this.#tokens.set(client, token);
    return { client, token };
  }

  /**
   * The current session's client: its requests are logged (as `other`) but not checked, being
   * no workflow's. The workflow under test has a client of its own (`clientOf(workflow)`).
   */
  get client(): DsmClient {
    return this.#session.client;
  }

  /** The user's id in DSM. */
  get userId(): string {
    return this.#session.userId;
  }

  /**
   * Waits until `action` (if given) has settled and the workflow has nothing in flight. Lets
   * the network answer; runs the next timer only when the workflow is busy and no request is
   * out, that is when only a timer (a retry backoff) can move it on. An action busy with
   * something else (the security key signing) is given time, not timers.
   */
  async settle(action?: Promise<unknown>): Promise<void> {
    let done = action === undefined;
    action?.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    const giveUpAt = realElapsed() + SETTLE_LIMIT_MS;
    while (realElapsed() < giveUpAt) {
      await this.#answered();
      // A macrotask: the answers' promise chains and the machine's reactions run.
      await realImmediate();
      this.checkInvariants();
      if (!this.#wireQuiet()) continue;
      // An answer read to the end may still be on its way through the client (parsing, its
      // checks, the machine's reaction): a few more turns of the event loop, which some Node
      // versions need, before deciding that only a timer can move the workflow on.
      for (let turn = 0; turn < IO_TURNS && this.#idleButBusy(); turn += 1) await realImmediate();
      const busy = this.#workflow.view.busy;
      if (done && !busy) return;
      if (busy && this.#wireQuiet()) await this.time.nextTimer();
    }
    throw new Error(`The workflow did not settle; it is still ${this.#workflow.state}.`);
  }

  /**
   * Waits until every request has its answer or is one DSM holds until time moves (a `hang`
   * fault, a latency not yet over). Only the latter need turns of the event loop to tell.
   */
  async #answered(): Promise<void> {
    if (!this.#holding()) {
      await this.#requests.idle();
      return;
    }
    while (!this.#wireQuiet()) await realImmediate();
  }

  /** Nothing in flight but what DSM holds on purpose until time moves. */
  #wireQuiet(): boolean {
    const pending = this.#requests.pending;
    if (pending === 0) return true;
    const held = this.emulator.requests.filter(
      (record) =>
        record.status === 0 &&
        (record.fault === 'hang' ||
          (record.latencyMs !== undefined &&
            this.emulator.options.clock() < record.at + record.latencyMs)),
    ).length;
    return held >= pending;
  }

  /** DSM may hold a request until time moves: a `hang` or `latency` fault is armed or held. */
  #holding(): boolean {
    return (
      this.emulator.faults.some(({ fault }) => fault.kind === 'hang' || fault.kind === 'latency') ||
      this.emulator.requests.some(
        (r) => r.status === 0 && (r.fault === 'hang' || r.latencyMs !== undefined),
      )
    );
  }

  /** The workflow is busy with no request out: a timer, or an answer still being handled. */
  #idleButBusy(): boolean {
    return this.#wireQuiet() && this.#workflow.view.busy;
  }

  /** The clock jumps by `ms` and no timer runs: a laptop asleep. */
  sleep(ms: number): void {
    this.#sleptMs += ms;
    this.time.jump(ms);
  }

  /**
   * Runs timers until the workflow's own clock for its timers reaches `at` (a wall-clock
   * instant before any sleep): a timer the sleep made late fires then, as on waking up.
   */
  async advanceTimersTo(at: number): Promise<void> {
    const timersNow = clockOf(this.#options.workflow?.clock).now - this.#sleptMs;
    await this.time.advance(Math.max(0, at - timersNow));
  }

  /** Runs timers until the `expiring` warning. */
  async waitForWarning(): Promise<void> {
    const { deadline, expiringWarningMs } = this.#workflow.actor.getSnapshot().context;
    if (deadline !== null) await this.advanceTimersTo(deadline - expiringWarningMs);
  }

  /** Runs timers until the auto-lock fires (and then lets its terminate finish). */
  async waitForAutoLock(): Promise<void> {
    const { deadline } = this.#workflow.actor.getSnapshot().context;
    if (deadline !== null) await this.advanceTimersTo(deadline);
  }

  /** Disposes of the workflow, letting its terminate finish (a fault on it runs its timeout). */
  async dispose(): Promise<void> {
    const disposed = this.#workflow.dispose();
    await this.settle(disposed);
    await disposed;
  }

  /** Disposes of the workflow and stops the emulator (a shared one: clears its faults). */
  async close(): Promise<void> {
    await Promise.all(
      [this.#workflow, ...this.#others].map((workflow) => workflow.dispose().catch(() => {})),
    );
    if (this.#owned.close) await this.#owned.close();
    else this.emulator.clearFaults();
  }
}

/** `time`, with `check` run after each move. */
function checkedTime(time: TimeControl, check: () => void): TimeControl {
  return {
    async advance(ms) {
      await time.advance(ms);
      check();
    },
    async nextTimer() {
      await time.nextTimer();
      check();
    },
    jump(ms) {
      time.jump(ms);
      check();
    },
  };
}

/** The time the workflow reads: its own `clock`, or the global one. */
function clockOf(clock: Clock | undefined): { now: number; monotonic: number } {
  if (!clock) return { now: Date.now(), monotonic: globalThis.performance.now() };
  return { now: clock.now(), monotonic: clock.monotonic ? clock.monotonic() : clock.now() };
}

/** Attempts after the first that a client with these retry options makes. */
function retryLimitOf(retry: DsmClientOptions['retry'] | undefined): number {
  if (retry === undefined) return TESTBED_RETRY.limit;
  if (retry === false) return 0;
  if (typeof retry === 'number') return retry;
  return retry.limit ?? 2;
}
