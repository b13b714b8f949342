/**
 * The checks made after every step of a model path: the controller and DSM say what the model
 * state says, the invariants of the product hold, and nothing observable shows a secret.
 */
import { inspect } from 'node:util';
import type { TwoFactorConfig } from '../workflow/createTwoFactorConfig.js';
import type { ExpectedResult, ModelExpectation } from './workflowModel.js';

/** Thrown when the system under test disagrees with the model. */
export class ModelMismatchError extends Error {
  override readonly name = 'ModelMismatchError';
}

function fail(message: string): never {
  throw new ModelMismatchError(message);
}

export interface ObservedSystem {
  workflow: TwoFactorConfig;
  serverUnlocked: boolean;
  /** `expiring` was emitted since the last `unlocked`. */
  warned: boolean;
}

/** The controller's state, DSM's lock and the deadline agree with the model state. */
export function checkAgainstModel(expected: ModelExpectation, system: ObservedSystem): void {
  const { workflow } = system;
  const view = workflow.view;
  if (view.busy) fail(`The workflow is still busy in ${view.state} after the step settled.`);
  if (view.state !== expected.client) {
    fail(`The workflow is ${view.state}; the model expects ${expected.client}.`);
  }
  const server = system.serverUnlocked ? 'unlocked' : 'locked';
  if (server !== expected.server) {
    fail(`DSM's configuration is ${server}; the model expects ${expected.server}.`);
  }
  const remaining = workflow.remainingMs() > 0 ? 'positive' : 'zero';
  if (expected.remaining && remaining !== expected.remaining) {
    fail(`remainingMs() is ${workflow.remainingMs()}; the model expects it ${expected.remaining}.`);
  }
  if (expected.warned && !system.warned)
    fail('No `expiring` event was emitted before the deadline.');
  checkNeverUnlockedAlone(system);
}

/** Invariant 1: the client never says "unlocked, time left" while DSM is locked. */
export function checkNeverUnlockedAlone(system: ObservedSystem): void {
  const { workflow } = system;
  if (workflow.state === 'unlocked' && workflow.remainingMs() > 0 && !system.serverUnlocked) {
    fail('The workflow is unlocked with time left while DSM is locked.');
  }
}

/** What a user action settled with, as the model names it. */
export type ActionOutcome = { kind: 'resolved' } | { kind: 'rejected'; code: string };

export function outcomeOf(error: unknown): ActionOutcome {
  const code = (error as { code?: unknown } | null)?.code;
  return { kind: 'rejected', code: typeof code === 'string' ? code : String(error) };
}

/**
 * The action settled as the model says, and a refused one sent nothing to DSM but, at most,
 * the terminate of the lock its clock check started.
 */
export function checkOutcome(
  expected: ExpectedResult,
  outcome: ActionOutcome | undefined,
  requests: readonly string[],
): void {
  const sent = requests.filter((operation) => operation !== 'Config2faTerminate');
  if (expected.kind === 'refused' && sent.length > 0) {
    fail(`A refused action (${expected.code}) sent ${sent.join(', ')} to DSM.`);
  }
  if (!outcome || expected.kind === 'none') return;
  const wanted = expected.kind === 'resolved' ? 'resolved' : `rejected ${expected.code}`;
  const got = outcome.kind === 'resolved' ? 'resolved' : `rejected ${outcome.code}`;
  if (wanted !== got) fail(`The action ${got}; the model expects it ${wanted}.`);
}

/** Invariant 3: no secret in anything observable (JSON and `util.inspect` forms). */
export function checkNoSecret(observed: Record<string, unknown>, secrets: readonly string[]): void {
  for (const [what, value] of Object.entries(observed)) {
    const forms = [safeJson(value), inspect(value, { depth: 8 })];
    for (const secret of secrets) {
      if (forms.some((form) => form.includes(secret))) fail(`A secret appears in ${what}.`);
    }
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
