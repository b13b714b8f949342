import { afterEach, beforeEach, vi } from 'vitest';
import { DEMO_USER, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import {
  createSignIn,
  type SignIn,
  type TwoFactorConfig,
  type TwoFactorConfigOptions,
} from '../../src/index.js';
import { useFakeClock } from '../support/fakeClock.js';

export interface SignedIn {
  emulator: RunningEmulator;
  signIn: SignIn;
  /** The session's bearer token, to ask the emulator for the server's lock state. */
  token: string;
  createWorkflow(options?: Omit<TwoFactorConfigOptions, 'client' | 'userId'>): TwoFactorConfig;
  count(operationId: string): number;
  close(): Promise<void>;
}

/** The emulator on 127.0.0.1 (port 0) and the demo user signed in through `createSignIn`. */
export async function startSignedIn(): Promise<SignedIn> {
  // No browser origin: these tests call from Node.
  const emulator = await startEmulator({ port: 0, corsOrigin: [] });
  const signIn = createSignIn({ baseUrl: emulator.url });
  await signIn.signIn({ email: DEMO_USER.email, password: DEMO_USER.password });
  const token = signIn.token?.reveal() ?? '';
  const workflows: TwoFactorConfig[] = [];
  return {
    emulator,
    signIn,
    token,
    createWorkflow(options = {}) {
      const workflow = signIn.createTwoFactorConfig({ browserLifecycle: false, ...options });
      workflows.push(workflow);
      return workflow;
    },
    count: (operationId) => emulator.requests.filter((r) => r.operationId === operationId).length,
    async close() {
      await Promise.all(workflows.map((workflow) => workflow.dispose()));
      await signIn.dispose();
      await emulator.close();
    },
  };
}

/** Settles promises and I/O that fake timers do not drive. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (condition()) return;
    await vi.advanceTimersByTimeAsync(0);
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`Never happened: ${what}`);
}

/**
 * For a `describe`: fake time and a signed-in user for each test, closed after it. Returns the
 * current test's world.
 */
export function signedInPerTest(): () => SignedIn {
  let env: SignedIn | undefined;
  beforeEach(async () => {
    useFakeClock();
    env = await startSignedIn();
  });
  afterEach(async () => {
    await env?.close();
    env = undefined;
    vi.useRealTimers();
  });
  return () => {
    if (!env) throw new Error('signedInPerTest() is read inside a test only.');
    return env;
  };
}
