/**
 * Runs a property scenario on the shipped testbed (`dsm-2fa-guard/testing`): the real
 * controller and the emulator (through its in-process `fetch`: the same app and state,
 * thousands of runs in seconds) under fake time, a user of the run's own on an emulator shared
 * by 50 runs, a session made in the emulator's state. It checks the invariants of product.md
 * after every step, against the emulator's own lock state and request log (and the testbed's
 * checks as each request leaves and at every state change). Throws, naming the invariant, on
 * the first violation.
 */
import { setImmediate as realImmediate } from 'node:timers/promises';
import { vi } from 'vitest';
import { createEmulatorApp, type EmulatorApp } from '../../src/emulator/index.js';
import {
  CONFIG_OPERATION_IDS,
  fakeTimersControl,
  startWorkflowTestbed,
} from '../../src/testing/index.js';
import { apply, type Env, resetWall, sessionIdOf, wallStepped } from './modelPropertyApply.js';
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
  const { testbed, emulator } = env;
  const { workflow } = testbed;
  // 1. Never unlocked (with time left) while DSM is locked.
  const server = emulator.lockState(testbed.token.reveal());
  if (workflow.state === 'unlocked' && workflow.remainingMs() > 0 && !server.unlocked) {
    violation(
      `1: the workflow is unlocked (${workflow.remainingMs()} ms left) while DSM is locked`,
    );
  }
  // 2. No config request unless unlocked and before the deadline; no approval unless locked
  // (the testbed checks each as it leaves, and invariant 1 at every state change).
  if (testbed.violations.length > 0) violation(testbed.violations.join('; '));
  for (const record of emulator.requests) {
    if (
      record.sessionId !== undefined &&
      env.sessionIds.has(record.sessionId) &&
      record.operationId &&
      CONFIG_OPERATION_IDS.has(record.operationId) &&
      record.configUnlocked === false
    ) {
      violation(`2: DSM received ${record.operationId} while its configuration was locked`);
    }
  }
  // 3. No secret in anything observable; recovery codes are secrets too.
  for (const { code } of emulator.user(testbed.email)?.recoveryCodes ?? []) {
    env.observations.addSecret(code);
  }
  checkSecretsIn(env.observations, workflow);
}

/** Clears the faults and runs the clock out: every action settles, nothing stays busy. */
async function finish(env: Env): Promise<void> {
  env.emulator.clearFaults();
  const busy = () => env.testbed.workflow.view.busy;
  for (let round = 0; round < 40; round += 1) {
    await drain();
    if (env.pending.size === 0 && !busy()) break;
    await vi.advanceTimersByTimeAsync(31_000);
  }
  await drain();
  if (env.pending.size > 0 || busy()) {
    violation(
      `4: still ${env.testbed.workflow.state} with ${env.pending.size} action(s) unsettled`,
    );
  }
  checkInvariants(env);
}

let shared: EmulatorApp | undefined;
let runs = 0;
const RUNS_PER_EMULATOR = 50;

/**
 * An emulator shared by 50 runs (building one costs more than a run; past 50 users its lookups
 * by email start to cost more), each run's testbed with a user of its own: locks, sessions,
 * rate limits and approvals are per user or per session.
 */
function sharedEmulator(): EmulatorApp {
  if (!shared || runs % RUNS_PER_EMULATOR === 0) {
    // DSM's clock is not this machine's: a wall-clock step here does not move it.
    shared = createEmulatorApp({ users: [], clock: () => Date.now() - wallStepped() });
  }
  runs += 1;
  return shared;
}

/** Runs one scenario; throws `InvariantViolation` (after the step that broke it). */
export async function runScenario(scenario: Scenario): Promise<void> {
  resetWall();
  const emulator = sharedEmulator();
  // Faults and requests left by an earlier run (a zombie behind a latency) are not this run's.
  emulator.clearFaults();
  emulator.clearRequests();
  const observations = new PropertyObservations([]);
  const testbed = await startWorkflowTestbed({
    time: fakeTimersControl(vi),
    on: emulator,
    // A session straight from the emulator's state: signing in over the API is not under test.
    session: 'direct',
    securityKey: false,
    workflow: {
      lockBeforeApproval: scenario.lockBeforeApproval,
      ...(scenario.promptPassword && { onPasswordRequired: () => testbed.password }),
      inspect: (event) => observations.inspected(event),
    },
    onWorkflow: (workflow) => observations.watch(workflow),
  });
  for (const secret of testbed.secrets) observations.addSecret(secret);
  const env: Env = {
    testbed,
    emulator,
    sessionIds: new Set(),
    scenario,
    pending: new Set(),
    observations,
  };
  env.sessionIds.add(sessionIdOf(env));
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
    // Dropped without a terminate: the next run has a user of its own.
    testbed.workflow.actor.stop();
  }
}
