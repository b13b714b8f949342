import type { DsmOperationId, EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import { createSoftAuthenticator, DEMO_USER, startEmulator } from '../../src/emulator/index.js';
import {
  createSignIn,
  type SignIn,
  type SignInEventOf,
  type SignInEventType,
  type SignInOptions,
} from '../../src/signIn/index.js';

export const EMAIL = DEMO_USER.email;
export const PASSWORD = DEMO_USER.password;

export interface SignInHarness {
  emulator: RunningEmulator;
  signIn: SignIn;
  create(options?: Partial<SignInOptions>): SignIn;
  requestCount(operationId?: DsmOperationId): number;
  close(): Promise<void>;
}

/** The emulator on loopback and a sign-in controller pointed at it over HTTP. */
export async function startSignInHarness(
  options: { emulator?: EmulatorOptions; signIn?: Partial<SignInOptions> } = {},
): Promise<SignInHarness> {
  const emulator = await startEmulator(options.emulator);
  const controllers: SignIn[] = [];
  const create = (extra: Partial<SignInOptions> = {}) => {
    const signIn = createSignIn({
      baseUrl: emulator.url,
      clientOptions: { retry: false },
      ...options.signIn,
      ...extra,
    } as SignInOptions);
    controllers.push(signIn);
    return signIn;
  };
  return {
    emulator,
    signIn: create(),
    create,
    requestCount: (operationId) =>
      emulator.requests.filter((r) => operationId === undefined || r.operationId === operationId)
        .length,
    close: async () => {
      await Promise.all(controllers.map((c) => c.dispose()));
      await emulator.close();
    },
  };
}

/**
 * Registers a software security key and fresh recovery codes for the demo user, through the
 * configuration workflow handed over by the sign-in, then signs out.
 */
export async function registerKeyAndCodes(signIn: SignIn) {
  const authenticator = createSoftAuthenticator();
  await signIn.signIn({ email: EMAIL, password: PASSWORD });
  const workflow = signIn.createTwoFactorConfig({ browserLifecycle: false });
  await workflow.unlock(PASSWORD);
  await workflow.addDevice(
    'Test key',
    await authenticator.createCredential(await workflow.newDeviceChallenge()),
  );
  const codes = await workflow.generateRecoveryCodes();
  await workflow.lock();
  await workflow.dispose();
  await signIn.signOut();
  return { authenticator, codes };
}

/** Resolves with the next event of that type. */
export function next<T extends SignInEventType>(
  signIn: SignIn,
  type: T,
): Promise<SignInEventOf<T>> {
  return new Promise((resolve) => {
    const off = signIn.on(type, (event) => {
      off();
      resolve(event);
    });
  });
}
