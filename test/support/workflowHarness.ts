/**
 * The workflow tests' view of the shipped testbed (`dsm-2fa-guard/testing`), for the files
 * that still import it: the testbed on loopback HTTP, the demo user signed in without a
 * security key, the client's quick retries. New tests use `startWorkflowTestbed` directly.
 */
import type { TwoFactorConfigStateName } from '../../machines/twoFactorConfig.types.js';
import type { DsmClient } from '../../src/client/types.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import {
  startWorkflowTestbed,
  type WorkflowOptions,
  type WorkflowTestbed,
} from '../../src/testing/index.js';
import type { TwoFactorConfig } from '../../src/workflow/index.js';

import { ON_REAL_TIME } from './fakeClock.js';

export { useFakeClock } from './fakeClock.js';
export type { WorkflowOptions };

export interface WorkflowHarness
  extends Pick<
    WorkflowTestbed,
    'workflow' | 'emitted' | 'client' | 'userId' | 'serverUnlocked' | 'createWorkflow' | 'close'
  > {
  emulator: RunningEmulator;
  /** The session's bearer token, to ask the emulator for the server's truth. */
  token: string;
  /** Requests DSM received (from any client), of one operation or all. */
  requestCount(operationId?: string): number;
  /** Another session for the demo user (another tab). */
  signIn(): Promise<{ client: DsmClient; token: string }>;
}

export async function startWorkflowHarness(
  options: { emulator?: EmulatorOptions; workflow?: WorkflowOptions } = {},
): Promise<WorkflowHarness> {
  const { snapshot, ...workflow } = options.workflow ?? {};
  const testbed = await startWorkflowTestbed({
    ...ON_REAL_TIME,
    ...(options.emulator && { emulator: options.emulator }),
    workflow,
  });
  const main = snapshot === undefined ? undefined : testbed.createWorkflow({ snapshot });
  const emulator = testbed.emulator as RunningEmulator;
  return {
    emulator,
    get workflow() {
      return main ?? testbed.workflow;
    },
    emitted: testbed.emitted,
    client: testbed.client,
    userId: testbed.userId,
    token: testbed.token.reveal(),
    serverUnlocked: () => testbed.serverUnlocked(),
    createWorkflow: (extra) => testbed.createWorkflow(extra),
    requestCount: (operationId) =>
      emulator.requests.filter((r) => operationId === undefined || r.operationId === operationId)
        .length,
    signIn: async () => {
      const { client, token } = await testbed.openSession();
      return { client, token: token.reveal() };
    },
    close: () => testbed.close(),
  };
}

/** Resolves when the workflow reaches `state` (driven by I/O, not by timers). */
export function reach(workflow: TwoFactorConfig, state: TwoFactorConfigStateName): Promise<void> {
  return new Promise((resolve) => {
    const stop = workflow.subscribe((view) => {
      if (view.state !== state || view.busy) return;
      queueMicrotask(() => stop());
      resolve();
    });
  });
}
