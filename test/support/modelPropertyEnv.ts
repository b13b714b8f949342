import { vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
/**
 * The world of one property run: a user of its own on an emulator shared by 50 runs (reached
 * through its in-process `fetch`), the real controller on a client that checks invariant 2 as
 * each request leaves, and what the run has observed.
 */
import { createDsmClient } from '../../src/client/index.js';
import { createEmulatorApp, DEMO_USER, type EmulatorApp } from '../../src/emulator/index.js';
import { operationIdOf } from '../../src/emulator/operations.js';
import {
  createTwoFactorConfig,
  restoreTwoFactorConfig,
  type TwoFactorConfig,
} from '../../src/workflow/index.js';
import type { PropertyObservations } from './modelPropertySecrets.js';
import type { Scenario } from './modelPropertySteps.js';
import { APPROVAL_OPERATION_IDS, CONFIG_OPERATION_IDS } from './operationSets.js';

export const CONFIG_REQUESTS = CONFIG_OPERATION_IDS;
export const APPROVAL_REQUESTS = APPROVAL_OPERATION_IDS;
export const RETRY = { limit: 2, backoffMs: 100, maxBackoffMs: 1_000 };

export interface Env {
  emulator: EmulatorApp;
  workflow: TwoFactorConfig;
  token: string;
  /** The run's own user (runs share an emulator), and the ids of its sessions. */
  email: string;
  userId: string;
  sessionIds: Set<string>;
  scenario: Scenario;
  /** Invariant 2, checked when each request leaves the client. */
  sendViolations: string[];
  pending: Set<Promise<unknown>>;
  observations: PropertyObservations;
}

/** A session straight from the emulator's state: signing in over the API is not under test. */
export function newSession(env: Pick<Env, 'emulator' | 'email' | 'sessionIds'>): string {
  const user = env.emulator.state.userByEmail(env.email)!;
  const session = env.emulator.state.createSession({ kind: 'user', user });
  env.sessionIds.add(session.id);
  return session.token;
}

/**
 * How far the wall clock has been stepped (NTP, a user) in this run: the fake `Date` moves, the
 * fake `performance.now()` and DSM's clock do not.
 */
let wallStepped = 0;
/** Whether the machine slept in this run: the monotonic clock is then behind DSM's. */
let slept = false;

/**
 * One clock fault at a time: with the wall clock stepped back AND a sleep the monotonic clock
 * missed, in the same window, no clock tells the time, and no client can see it (SECURITY.md).
 */
export function clockFaultAllowed(kind: 'sleep' | 'wallBack'): boolean {
  if (kind === 'sleep' && wallStepped < 0) return false;
  if (kind === 'wallBack' && slept) return false;
  if (kind === 'sleep') slept = true;
  return true;
}

/** Steps this machine's wall clock only. */
export function stepWall(ms: number): void {
  wallStepped += ms;
  vi.setSystemTime(Date.now() + ms);
}

/** Undoes the wall-clock steps of the last run, so that each run starts on DSM's time. */
export function resetWall(): void {
  if (wallStepped !== 0) vi.setSystemTime(Date.now() - wallStepped);
  wallStepped = 0;
  slept = false;
}

let shared: EmulatorApp | undefined;
let runs = 0;
const RUNS_PER_EMULATOR = 50;

/**
 * An emulator shared by 50 runs (building one costs more than a run; past 50 users its lookups
 * by email start to cost more), each run with a user of its own: locks, sessions, rate limits
 * and approvals are per user or per session.
 */
export function sharedEmulator(): { emulator: EmulatorApp; run: number } {
  if (!shared || runs % RUNS_PER_EMULATOR === 0) {
    // DSM's clock is not this machine's: a wall-clock step here does not move it.
    shared = createEmulatorApp({ users: [], clock: () => Date.now() - wallStepped });
  }
  runs += 1;
  return { emulator: shared, run: runs };
}

export function recordingFetch(env: () => Env): typeof globalThis.fetch {
  return (input, init) => {
    const { workflow, emulator, sendViolations } = env();
    // Read without building a Request, which would take the body away from the real call.
    const isRequest = input instanceof Request;
    const method = (init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
    const url = new URL(isRequest ? input.url : String(input), 'http://127.0.0.1');
    const operationId = operationIdOf(method, url.pathname) ?? '';
    const snapshot = workflow.actor.getSnapshot();
    const now = Date.now();
    if (CONFIG_REQUESTS.has(operationId)) {
      const { deadline, monoDeadline } = snapshot.context;
      const running = snapshot.matches({ unlocked: { operation: 'running' } });
      // Two clocks, the earlier wins: past the deadline by either is too late.
      const late =
        deadline === null ||
        now >= deadline ||
        (monoDeadline !== null && performance.now() >= monoDeadline);
      if (!running || late) {
        sendViolations.push(
          `${operationId} sent while ${JSON.stringify(snapshot.value)}, ${deadline === null ? 'no deadline' : `${now - deadline} ms past the deadline`}`,
        );
      }
    }
    if (APPROVAL_REQUESTS.has(operationId) && !snapshot.matches({ locked: 'approving' })) {
      sendViolations.push(`${operationId} sent while ${JSON.stringify(snapshot.value)}`);
    }
    return emulator.fetch(input, init);
  };
}

export function createWorkflow(env: Env, snapshot?: string): TwoFactorConfig {
  const fetch = recordingFetch(() => env);
  const client = createDsmClient({
    baseUrl: 'http://127.0.0.1',
    token: env.token,
    fetch,
    retry: RETRY,
  });
  const options = {
    client,
    userId: env.userId,
    browserLifecycle: false,
    lockBeforeApproval: env.scenario.lockBeforeApproval,
    ...(env.scenario.promptPassword && { onPasswordRequired: () => DEMO_USER.password }),
    inspect: (event: InspectionEvent) => env.observations.inspected(event),
  };
  const workflow =
    snapshot === undefined
      ? createTwoFactorConfig(options)
      : restoreTwoFactorConfig({ ...options, snapshot });
  env.observations.watch(workflow);
  return workflow;
}

export function track(env: Env, action: () => Promise<unknown>): void {
  let promise: Promise<unknown>;
  try {
    promise = action();
  } catch (error) {
    env.observations.error(error);
    return;
  }
  const settled = promise.then(
    () => undefined,
    (error: unknown) => env.observations.error(error),
  );
  env.pending.add(settled);
  void settled.finally(() => env.pending.delete(settled));
}
