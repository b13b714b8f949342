/**
 * Runs a property scenario against the real controller and the emulator (through its
 * in-process `fetch`: the same app and state, thousands of runs in seconds) under fake time,
 * and checks the invariants of product.md after every step, against the emulator's own lock
 * state and request log. Throws, naming the invariant, on the first violation.
 */
import { setImmediate as realImmediate } from 'node:timers/promises';
import { vi } from 'vitest';
import { DEMO_USER } from '../../src/emulator/index.js';
import { apply } from './modelPropertyApply.js';
import {
  CONFIG_REQUESTS,
  createWorkflow,
  type Env,
  newSession,
  resetWall,
  sharedEmulator,
} from './modelPropertyEnv.js';
import { checkSecretsIn, PropertyObservations } from './modelPropertySecrets.js';
import type { Scenario } from './modelPropertySteps.js';

export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/** Real macrotasks, no timers: in-process answers, promise chains and the machine's reactions. */
async function drain(): Promise<void> {
  for (let i = 0; i < 2; i += 1) await realImmediate();
}

function violation(message: string): never {
  throw new InvariantViolation(message);
}

function checkInvariants(env: Env): void {
  const { workflow, emulator } = env;
  // 1. Never unlocked (with time left) while DSM is locked.
  const server = emulator.lockState(env.token);
  if (workflow.state === 'unlocked' && workflow.remainingMs() > 0 && !server.unlocked) {
    violation(
      `1: the workflow is unlocked (${workflow.remainingMs()} ms left) while DSM is locked`,
    );
  }
  // 2. No config request unless unlocked and before the deadline; no approval unless locked.
  if (env.sendViolations.length > 0) violation(`2: ${env.sendViolations.join('; ')}`);
  for (const record of emulator.requests) {
    if (
      record.sessionId !== undefined &&
      env.sessionIds.has(record.sessionId) &&
      record.operationId &&
      CONFIG_REQUESTS.has(record.operationId) &&
      record.configUnlocked === false
    ) {
      violation(`2: DSM received ${record.operationId} while its configuration was locked`);
    }
  }
  // 3. No secret in anything observable; recovery codes are secrets too.
  for (const { code } of emulator.user(env.email)?.recoveryCodes ?? []) {
    env.observations.addSecret(code);
  }
  checkSecretsIn(env.observations, workflow);
}

/** Clears the faults and runs the clock out: every action settles, nothing stays busy. */
async function finish(env: Env): Promise<void> {
  env.emulator.clearFaults();
  for (let round = 0; round < 40; round += 1) {
    await drain();
    if (env.pending.size === 0 && !env.workflow.view.busy) break;
    await vi.advanceTimersByTimeAsync(31_000);
  }
  await drain();
  if (env.pending.size > 0 || env.workflow.view.busy) {
    violation(`4: still ${env.workflow.state} with ${env.pending.size} action(s) unsettled`);
  }
  checkInvariants(env);
}

/** Runs one scenario; throws `InvariantViolation` (after the step that broke it). */
export async function runScenario(scenario: Scenario): Promise<void> {
  resetWall();
  const { emulator, run } = sharedEmulator();
  // Faults and requests left by an earlier run (a zombie behind a latency) are not this run's.
  emulator.clearFaults();
  emulator.clearRequests();
  const email = `property-run-${run}@example.com`;
  const { userId } = emulator.addUser({ email, password: DEMO_USER.password });
  // token, observations and workflow are filled in below: each needs what comes before it.
  const env = {
    emulator,
    email,
    userId,
    sessionIds: new Set<string>(),
    scenario,
    sendViolations: [],
    pending: new Set(),
  } as unknown as Env;
  env.token = newSession(env);
  env.observations = new PropertyObservations([DEMO_USER.password, env.token]);
  env.workflow = createWorkflow(env);
  try {
    for (const [index, step] of scenario.steps.entries()) {
      await apply(env, step);
      await drain();
      try {
        checkInvariants(env);
      } catch (error) {
        (error as Error).message += ` (after step ${index}: ${JSON.stringify(step)})`;
        throw error;
      }
    }
    await finish(env);
  } finally {
    env.workflow.actor.stop();
  }
}
