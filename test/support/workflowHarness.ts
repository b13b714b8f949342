import { vi } from 'vitest';
import type {
  TwoFactorConfigEmitted,
  TwoFactorConfigStateName,
} from '../../machines/twoFactorConfig.types.js';
import { createDsmClient } from '../../src/client/index.js';
import type { DsmClient } from '../../src/client/types.js';
import {
  DEMO_USER,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import {
  createTwoFactorConfig,
  type PersistedTwoFactorConfig,
  restoreTwoFactorConfig,
  type TwoFactorConfig,
  type TwoFactorConfigOptions,
} from '../../src/workflow/index.js';

/** A workflow's options, with a snapshot to restore from (then `restoreTwoFactorConfig`). */
export type WorkflowOptions = Partial<Omit<TwoFactorConfigOptions, 'snapshot'>> & {
  snapshot?: PersistedTwoFactorConfig | string;
};

/** Fake time for the workflow and the emulator together; sockets and I/O stay real. */
export function useFakeClock(now = Date.UTC(2026, 10, 23, 9, 0, 0)) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now });
}

export interface WorkflowHarness {
  emulator: RunningEmulator;
  client: DsmClient;
  /** The session's bearer token, to ask the emulator for the server's truth. */
  token: string;
  userId: string;
  workflow: TwoFactorConfig;
  emitted: TwoFactorConfigEmitted[];
  serverUnlocked(): boolean;
  requestCount(operationId?: string): number;
  signIn(): Promise<{ client: DsmClient; token: string }>;
  createWorkflow(options?: WorkflowOptions): TwoFactorConfig;
  close(): Promise<void>;
}

/** The emulator on loopback, the demo user signed in, and a workflow for that session. */
export async function startWorkflowHarness(
  options: { emulator?: EmulatorOptions; workflow?: WorkflowOptions } = {},
): Promise<WorkflowHarness> {
  const emulator = await startEmulator(options.emulator);
  const anonymous = createDsmClient({
    baseUrl: emulator.url,
    retry: { limit: 2, backoffMs: 10, maxBackoffMs: 50 },
  });
  const signIn = async () => {
    const auth = await anonymous.authenticate({
      email: DEMO_USER.email,
      password: DEMO_USER.password,
    });
    return {
      client: anonymous.withToken(auth.accessToken),
      token: auth.accessToken.reveal(),
      auth,
    };
  };
  const session = await signIn();
  const workflows: TwoFactorConfig[] = [];
  const createWorkflow = (extra: WorkflowOptions = {}) => {
    const all = {
      client: session.client,
      userId: session.auth.entityId,
      browserLifecycle: false,
      ...options.workflow,
      ...extra,
    };
    const { snapshot, ...rest } = all;
    const workflow =
      snapshot === undefined
        ? createTwoFactorConfig(rest)
        : restoreTwoFactorConfig({ ...rest, snapshot });
    workflows.push(workflow);
    return workflow;
  };
  const workflow = createWorkflow();
  const emitted: TwoFactorConfigEmitted[] = [];
  workflow.actor.on('*', (event) => emitted.push(event as TwoFactorConfigEmitted));
  return {
    emulator,
    client: session.client,
    token: session.token,
    userId: session.auth.entityId,
    workflow,
    emitted,
    serverUnlocked: () => emulator.lockState(session.token).unlocked,
    requestCount: (operationId) =>
      emulator.requests.filter((r) => operationId === undefined || r.operationId === operationId)
        .length,
    signIn: async () => {
      const { client, token } = await signIn();
      return { client, token };
    },
    createWorkflow,
    close: async () => {
      await Promise.all(workflows.map((w) => w.dispose()));
      await emulator.close();
    },
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
