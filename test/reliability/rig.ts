/**
 * One workflow against its own emulator, on fake time, watched from both ends: the requests the
 * client sends (with what the workflow believed at that instant) and the server's own lock
 * state. `drive` settles a promise by moving fake time only when the wire is quiet, and every
 * check of product.md's invariants 1 and 2 lands in `violations`.
 */
import { createServer } from 'node:net';
import { vi } from 'vitest';
import { createDsmClient, type DsmClient } from '../../src/client/index.js';
import {
  DEMO_USER,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import {
  createTwoFactorConfig,
  type TwoFactorConfig,
  type TwoFactorConfigOptions,
} from '../../src/workflow/index.js';
import { type Outcome, observe, PromiseTracker } from '../support/leaks.js';
import { APPROVAL_OPERATION_IDS, CONFIG_OPERATION_IDS } from '../support/operationSets.js';
import { type ObservedFetch, observeFetch } from './observedFetch.js';

export const PASSWORD = DEMO_USER.password;
/** Short, so that "hang past the timeout" costs one fake second. */
export const CLIENT_TIMEOUT_MS = 1_000;
export const AUTO_LOCK_MS = 30_000;

export interface Rig {
  emulator: RunningEmulator;
  observed: ObservedFetch;
  /** The workflow's client: every request it sends is observed. */
  client: DsmClient;
  /** The same session over plain fetch, for setting a scene without touching the workflow. */
  setupClient: DsmClient;
  token: string;
  userId: string;
  workflow: TwoFactorConfig;
  promises: PromiseTracker;
  violations: string[];
  /** Moves fake time (only when no request is being answered) until `promise` settles. */
  drive<T>(promise: Promise<T>, maxSteps?: number): Promise<Outcome<T>>;
  /** Checks invariants 1 and 2 now and over every request sent so far. */
  checkInvariants(): void;
  /** A URL on which nothing listens: a real ECONNREFUSED. */
  closedPortUrl: string;
  close(): Promise<void>;
}

async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

export async function startRig(
  options: { emulator?: EmulatorOptions; workflow?: Partial<TwoFactorConfigOptions> } = {},
): Promise<Rig> {
  // A 30 s window: what ten minutes prove, with a fraction of the terminate retries to run.
  const emulator = await startEmulator({
    rateLimit: false,
    autoLockMs: AUTO_LOCK_MS,
    ...options.emulator,
  });
  const violations: string[] = [];
  const promises = new PromiseTracker();
  let workflow: TwoFactorConfig | undefined;
  const describe = () => {
    if (!workflow) return 'setup';
    const deadline = workflow.actor.getSnapshot().context.deadline;
    const beforeDeadline = deadline !== null && Date.now() < deadline;
    return `${workflow.state}${beforeDeadline ? '+beforeDeadline' : ''}`;
  };
  const observed = observeFetch(describe);
  // One retry: enough to exercise the client's retry of idempotent operations.
  const retry = { limit: 1, backoffMs: 10, maxBackoffMs: 50 };
  // A session straight from the emulator's state: sign-in is not what the matrix is about.
  const user = emulator.state.userByEmail(DEMO_USER.email)!;
  const token = emulator.state.createSession({ kind: 'user', user }).token;
  const client = createDsmClient({
    baseUrl: emulator.url,
    timeoutMs: CLIENT_TIMEOUT_MS,
    retry,
    fetch: observed.fetch,
    token,
  });
  const setupClient = createDsmClient({ baseUrl: emulator.url, token, retry });

  workflow = createTwoFactorConfig({
    client,
    userId: user.userId,
    browserLifecycle: false,
    autoLockMs: AUTO_LOCK_MS,
    expiringWarningMs: 5_000,
    ...options.workflow,
  });
  const current = workflow;

  const checkServerAgrees = () => {
    const server = emulator.lockState(token);
    // An expired session cannot be seen until a request finds out; only a live one counts.
    if (current.state === 'unlocked' && server.sessionAlive && !server.unlocked) {
      violations.push(`invariant 1: the client is unlocked while DSM is locked (t=${Date.now()})`);
    }
  };
  current.subscribe(checkServerAgrees);

  const checkInvariants = () => {
    checkServerAgrees();
    for (const request of observed.sent) {
      const op = request.operationId ?? '';
      if (CONFIG_OPERATION_IDS.has(op) && request.context !== 'unlocked+beforeDeadline') {
        violations.push(`invariant 2: ${op} sent while the client was ${request.context}`);
      }
      if (APPROVAL_OPERATION_IDS.has(op) && !request.context.startsWith('locked')) {
        violations.push(`invariant 2: ${op} sent while the client was ${request.context}`);
      }
    }
  };

  /** Whether the server holds this request on purpose until fake time passes. */
  const waitsOnFakeTime = (record: RunningEmulator['requests'][number]) =>
    record.status === 0 &&
    (record.fault === 'hang' ||
      (record.latencyMs !== undefined && Date.now() < record.at + record.latencyMs));

  /** Whether every request in flight is one the server holds on purpose. */
  const wireIsQuiet = () => {
    const inFlight = observed.inFlight();
    if (inFlight.length === 0) return true;
    const records = emulator.requests;
    const count = <T>(list: readonly T[], op: string | undefined, key: (item: T) => unknown) =>
      list.filter((item) => key(item) === op).length;
    return inFlight.every(
      (request) =>
        records.some((r) => r.operationId === request.operationId && waitsOnFakeTime(r)) &&
        count(records, request.operationId, (r) => r.operationId) >=
          count(observed.sent, request.operationId, (r) => r.operationId),
    );
  };

  /**
   * Lets real I/O run until the wire has been quiet for a few turns in a row (the client reads
   * what arrived and the machine moves on). Real time bounds the wait (performance.now is not
   * faked): FIDO2 checks and 8 MiB bodies take many turns of the event loop.
   */
  const quiet = async () => {
    const giveUpAt = performance.now() + 5_000;
    for (let calm = 0; calm < 5 && performance.now() < giveUpAt; ) {
      await turn();
      calm = wireIsQuiet() ? calm + 1 : 0;
    }
  };

  const drive = async <T>(promise: Promise<T>, maxSteps = 400): Promise<Outcome<T>> => {
    const outcome = observe(promises.track(promise));
    for (let step = 0; step < maxSteps; step++) {
      await quiet();
      checkServerAgrees();
      if (outcome.current.status !== 'pending') return outcome.current;
      if (vi.getTimerCount() === 0) {
        throw new Error('stuck: nothing in flight, no timer pending, and the promise is pending');
      }
      await vi.advanceTimersToNextTimerAsync();
    }
    throw new Error(`still pending after ${maxSteps} steps of fake time`);
  };

  return {
    emulator,
    observed,
    client,
    setupClient,
    token,
    userId: user.userId,
    workflow: current,
    promises,
    violations,
    drive,
    checkInvariants,
    closedPortUrl: await closedPort(),
    close: () => emulator.close(),
  };
}
