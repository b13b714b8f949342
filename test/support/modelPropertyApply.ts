/**
 * What each step of a property scenario does: a user action on the workflow (its promise
 * tracked, never awaited), time moving with or without timers, or a fault injected.
 */
import { vi } from 'vitest';
import type {
  ApprovalOperationKind,
  ConfigOperationKind,
} from '../../machines/twoFactorConfig.types.js';
import { type EmulatorApp, messages } from '../../src/emulator/index.js';
import type { WorkflowTestbed } from '../../src/testing/index.js';
import type { TwoFactorConfig } from '../../src/workflow/index.js';
import type { PropertyObservations } from './modelPropertySecrets.js';
import type { FaultStep, Scenario, Step } from './modelPropertySteps.js';

/** One property run: its testbed (on the shared emulator) and what the run has observed. */
export interface Env {
  testbed: WorkflowTestbed;
  emulator: EmulatorApp;
  /** The ids of the run's sessions (runs share an emulator). */
  sessionIds: Set<string>;
  scenario: Scenario;
  pending: Set<Promise<unknown>>;
  observations: PropertyObservations;
}

/** The id (not the token) of the testbed's current session. */
export function sessionIdOf(env: Env): string {
  return env.emulator.state.sessions.get(env.testbed.token.reveal())!.id;
}

/**
 * How far the wall clock has been stepped (NTP, a user) in this run: the fake `Date` moves, the
 * fake `performance.now()` and DSM's clock do not.
 */
let stepped = 0;
/** Whether the machine slept in this run: the monotonic clock is then behind DSM's. */
let slept = false;

export const wallStepped = (): number => stepped;

/**
 * One clock fault at a time: with the wall clock stepped back AND a sleep the monotonic clock
 * missed, in the same window, no clock tells the time, and no client can see it (SECURITY.md).
 */
function clockFaultAllowed(kind: 'sleep' | 'wallBack'): boolean {
  if (kind === 'sleep' && stepped < 0) return false;
  if (kind === 'wallBack' && slept) return false;
  if (kind === 'sleep') slept = true;
  return true;
}

/** Steps this machine's wall clock only. */
function stepWall(ms: number): void {
  stepped += ms;
  vi.setSystemTime(Date.now() + ms);
}

/** Undoes the wall-clock steps of the last run, so that each run starts on DSM's time. */
export function resetWall(): void {
  if (stepped !== 0) vi.setSystemTime(Date.now() - stepped);
  stepped = 0;
  slept = false;
}

/** Starts a user action, its promise tracked (never awaited) and any rejection observed. */
function track(env: Env, action: () => Promise<unknown>): void {
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

function landmarkTime(env: Env, to: 'warning' | 'deadline' | 'serverLock'): number | null {
  const { deadline, serverLockBy, expiringWarningMs } =
    env.testbed.workflow.actor.getSnapshot().context;
  if (to === 'serverLock') return serverLockBy;
  if (deadline === null) return null;
  return to === 'warning' ? deadline - expiringWarningMs : deadline;
}

function timeDelta(env: Env, step: { ms: number; to?: 'warning' | 'deadline' | 'serverLock' }) {
  if (!step.to) return step.ms;
  const at = landmarkTime(env, step.to);
  return at === null ? 0 : at + step.ms - Date.now();
}

function injectFault(emulator: EmulatorApp, step: FaultStep): void {
  const match = step.operationId ? { match: { operationId: step.operationId } } : {};
  const base = { ...match, times: step.times };
  switch (step.fault) {
    case 'latency':
      emulator.injectFault({ ...base, kind: 'latency', ms: step.ms ?? 1_000 });
      return;
    case 'status': {
      const status = step.status ?? 500;
      const forbidden = typeof status === 'string';
      emulator.injectFault({
        ...base,
        kind: 'status',
        phase: step.phase,
        status: forbidden ? 403 : status,
        ...(status === '403 locked' && { body: messages.configLocked }),
        ...(status === '403 unlocked' && { body: messages.configUnlocked }),
        ...(status === 429 && { retryAfterS: 2 }),
      });
      return;
    }
    default:
      emulator.injectFault({ ...base, kind: step.fault, phase: step.phase });
  }
}

export async function apply(env: Env, step: Step): Promise<void> {
  const { testbed, emulator } = env;
  const { workflow, password } = testbed;
  switch (step.kind) {
    case 'unlock':
      if (step.password !== 'right') env.observations.addSecret(step.password);
      return track(env, () =>
        workflow.unlock(step.password === 'right' ? password : step.password),
      );
    case 'lock':
      return track(env, () => workflow.lock());
    case 'config':
      return track(env, () => runConfig(workflow, step.op));
    case 'approval': {
      const requestId = emulator.createApprovalRequest({ reviewerEmail: testbed.email });
      return track(env, () => runApproval(workflow, step.op, requestId, password));
    }
    case 'checkDeadline':
      workflow.checkDeadline();
      return;
    case 'advance': {
      const delta = timeDelta(env, step);
      if (delta > 0) await vi.advanceTimersByTimeAsync(delta);
      return;
    }
    case 'sleep': {
      const delta = timeDelta(env, step);
      if (delta <= 0 || !clockFaultAllowed('sleep')) return;
      if (delta > 0) vi.setSystemTime(Date.now() + delta);
      return;
    }
    case 'stepWall':
      if (step.ms < 0 && !clockFaultAllowed('wallBack')) return;
      stepWall(step.ms);
      return;
    case 'signOut':
      // DSM's unlock ends with the session; the app (its sign-in) tells the workflow.
      emulator.expireSession(testbed.token.reveal());
      workflow.endSession();
      return;
    case 'renew':
      if (workflow.state !== 'sessionExpired') return;
      return newSession(env);
    case 'newSession':
      return newSession(env);
    case 'restore': {
      // Between two requests of a back end: nothing of the old workflow is still running.
      if (env.pending.size > 0 || workflow.view.busy) return;
      env.observations.check('the stored snapshot', JSON.stringify(workflow.persist()));
      // Dropped without a terminate and restored from its snapshot, as a back end between two
      // requests: the testbed's onWorkflow watches the new one.
      testbed.restart();
      return;
    }
    case 'fault':
      injectFault(emulator, step);
      return;
  }
}

/** A new session handed to the workflow, as the app does after signing in again. */
async function newSession(env: Env): Promise<void> {
  await env.testbed.renewSession();
  env.observations.addSecret(env.testbed.token.reveal());
  env.sessionIds.add(sessionIdOf(env));
}

function runConfig(workflow: TwoFactorConfig, op: ConfigOperationKind): Promise<unknown> {
  switch (op) {
    case 'generateRecoveryCodes':
      return workflow.generateRecoveryCodes();
    case 'newDeviceChallenge':
      return workflow.newDeviceChallenge();
    case 'removeDevice':
      return workflow.removeDevice('a key that is not there');
    case 'renameDevice':
      return workflow.renameDevice('a key that is not there', 'another name');
    case 'addDevice':
      // Not a real attestation: DSM (or the client's schema) refuses it, which is enough here.
      return workflow.addDevice('a new key', {
        id: 'AAAA',
        type: 'public-key',
        response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' },
      } as never);
  }
}

function runApproval(
  workflow: TwoFactorConfig,
  op: ApprovalOperationKind,
  requestId: string,
  password: string,
): Promise<unknown> {
  switch (op) {
    case 'approvalChallenge':
      return workflow.approvalChallenge(requestId);
    case 'approve':
      return workflow.approve(requestId, { password });
    case 'deny':
      return workflow.deny(requestId, 'denied by a property test');
  }
}
