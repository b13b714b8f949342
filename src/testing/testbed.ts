/**
 * The testbed: the DSM emulator as the server, a user signed in (with a security key for
 * approvals), and a real `TwoFactorConfig` on a client that counts its requests. It arranges
 * DSM's answers, moves time, and waits for the workflow to settle; `startWorkflowTestbed`
 * builds one, `workflowTestParams` drives it along a model path.
 */
import { setImmediate as realImmediate } from 'node:timers/promises';
import type { Secret } from '../client/secret.js';
import type { DsmClient } from '../client/types.js';
import type { EmulatorApp } from '../emulator/app.js';
import type { EmulatorOptions } from '../emulator/options.js';
import type { SoftAuthenticator } from '../emulator/softAuthenticator.js';
import {
  createTwoFactorConfig,
  type TwoFactorConfig,
  type TwoFactorConfigOptions,
} from '../workflow/createTwoFactorConfig.js';
import { arrangeAnswer } from './arrangeAnswer.js';
import type { CountingFetch } from './inFlight.js';
import { signIn, type TestSession } from './session.js';
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
  /** Options for `createTwoFactorConfig` (not `client` or `userId`). */
  workflow?: Partial<Omit<TwoFactorConfigOptions, 'client' | 'userId'>>;
}

/** The client's retries, kept short: a retry backoff is a timer the testbed has to run. */
export const TESTBED_RETRY = { limit: 2, backoffMs: 100, maxBackoffMs: 1_000 };
/** Real time a step may take to settle (the work is real I/O; time itself is fake). */
const SETTLE_LIMIT_MS = 10_000;
/** Turns of the event loop given to an answer on its way through the client. */
const IO_TURNS = 20;
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
  readonly emitted: unknown[] = [];
  readonly time: TimeControl;
  #workflow: TwoFactorConfig;
  #session: TestSession;
  readonly #anonymous: DsmClient;
  readonly #requests: CountingFetch;
  readonly #owned: { close?: () => Promise<void> };
  #warned = false;
  /** Clock jumps since the last unlock: timers armed before them are late by this much. */
  #sleptMs = 0;

  constructor(parts: {
    emulator: EmulatorApp;
    /** What `close()` stops: the emulator, unless it is shared. */
    owner: { close?: () => Promise<void> };
    anonymous: DsmClient;
    requests: CountingFetch;
    authenticator: SoftAuthenticator;
    session: TestSession;
    credentials: { email: string; password: string };
    options: WorkflowTestbedOptions;
  }) {
    this.emulator = parts.emulator;
    this.#owned = parts.owner;
    this.#anonymous = parts.anonymous;
    this.#requests = parts.requests;
    this.authenticator = parts.authenticator;
    this.#session = parts.session;
    this.email = parts.credentials.email;
    this.password = parts.credentials.password;
    this.time = parts.options.time;
    this.#workflow = createTwoFactorConfig({
      browserLifecycle: false,
      ...parts.options.workflow,
      client: parts.session.client,
      userId: parts.session.userId,
    });
    this.#workflow.actor.on('*', (event) => {
      this.emitted.push(event);
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

  /** DSM operations the workflow's client has sent so far, oldest first (not the testbed's own). */
  get requestsSent(): readonly string[] {
    return this.#requests.sent;
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
    return arrangeAnswer(event, {
      emulator: this.emulator,
      token: () => this.#session.token.reveal(),
      password: this.password,
      terminateAttempts: TESTBED_RETRY.limit + 1,
    });
  }

  /** Signs in again and hands the workflow the new session (after `sessionExpired`). */
  async renewSession(): Promise<void> {
    this.#session = await signIn(this.#anonymous, this.authenticator, {
      email: this.email,
      password: this.password,
    });
    this.#workflow.resumeSession(this.#session.client);
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
      await this.#requests.idle();
      // A macrotask: the answers' promise chains and the machine's reactions run.
      await realImmediate();
      if (this.#requests.pending > 0) continue;
      // An answer read to the end may still be on its way through the client (parsing, its
      // checks, the machine's reaction): a few more turns of the event loop, which some Node
      // versions need, before deciding that only a timer can move the workflow on.
      for (let turn = 0; turn < IO_TURNS && this.#idleButBusy(); turn += 1) await realImmediate();
      const busy = this.#workflow.view.busy;
      if (done && !busy) return;
      if (busy && this.#requests.pending === 0) await this.time.nextTimer();
    }
    throw new Error(`The workflow did not settle; it is still ${this.#workflow.state}.`);
  }

  /** The workflow is busy with no request out: a timer, or an answer still being handled. */
  #idleButBusy(): boolean {
    return this.#requests.pending === 0 && this.#workflow.view.busy;
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
    const timersNow = Date.now() - this.#sleptMs;
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

  /** Disposes of the workflow and stops the emulator (a shared one: clears its faults). */
  async close(): Promise<void> {
    await this.#workflow.dispose().catch(() => {});
    if (this.#owned.close) await this.#owned.close();
    else this.emulator.clearFaults();
  }
}
