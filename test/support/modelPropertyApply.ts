/**
 * What each step of a property scenario does: a user action on the workflow (its promise
 * tracked, never awaited), time moving with or without timers, or a fault injected.
 */
import { vi } from 'vitest';
import type {
  ApprovalOperationKind,
  ConfigOperationKind,
} from '../../machines/twoFactorConfig.types.js';
import { createDsmClient } from '../../src/client/index.js';
import { DEMO_USER, type EmulatorApp, messages } from '../../src/emulator/index.js';
import type { TwoFactorConfig } from '../../src/workflow/index.js';
import {
  clockFaultAllowed,
  createWorkflow,
  type Env,
  newSession,
  RETRY,
  recordingFetch,
  stepWall,
  track,
} from './modelPropertyEnv.js';
import type { FaultStep, Step } from './modelPropertySteps.js';

function landmarkTime(env: Env, to: 'warning' | 'deadline' | 'serverLock'): number | null {
  const { deadline, serverLockBy, expiringWarningMs } = env.workflow.actor.getSnapshot().context;
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
  const { workflow, emulator } = env;
  switch (step.kind) {
    case 'unlock':
      if (step.password !== 'right') env.observations.addSecret(step.password);
      return track(env, () =>
        workflow.unlock(step.password === 'right' ? DEMO_USER.password : step.password),
      );
    case 'lock':
      return track(env, () => workflow.lock());
    case 'config':
      return track(env, () => runConfig(workflow, step.op));
    case 'approval': {
      const requestId = emulator.createApprovalRequest({ reviewerEmail: env.email });
      return track(env, () => runApproval(workflow, step.op, requestId));
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
      emulator.expireSession(env.token);
      workflow.endSession();
      return;
    case 'newSession':
      env.token = newSession(env);
      env.observations.addSecret(env.token);
      workflow.resumeSession(sessionClient(env));
      return;
    case 'renew':
      if (workflow.state !== 'sessionExpired') return;
      env.token = newSession(env);
      env.observations.addSecret(env.token);
      workflow.resumeSession(sessionClient(env));
      return;
    case 'restore': {
      // Between two requests of a back end: nothing of the old workflow is still running.
      if (env.pending.size > 0 || workflow.view.busy) return;
      const stored = JSON.stringify(workflow.persist());
      env.observations.check('the stored snapshot', stored);
      // Dropped without a terminate, as a back end between two requests.
      workflow.actor.stop();
      env.workflow = createWorkflow(env, stored);
      return;
    }
    case 'fault':
      injectFault(emulator, step);
      return;
  }
}

/** A client on the run's current session, as the app builds one after signing in. */
function sessionClient(env: Env) {
  return createDsmClient({
    baseUrl: 'http://127.0.0.1',
    token: env.token,
    fetch: recordingFetch(() => env),
    retry: RETRY,
  });
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
): Promise<unknown> {
  switch (op) {
    case 'approvalChallenge':
      return workflow.approvalChallenge(requestId);
    case 'approve':
      return workflow.approve(requestId, { password: DEMO_USER.password });
    case 'deny':
      return workflow.deny(requestId, 'denied by a property test');
  }
}
