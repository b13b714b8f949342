/**
 * `startSignInTestbed`: the emulator as DSM and sign-in controllers pointed at it, for tests of
 * a sign-in screen or a back end's session handling. The user starts without a security key;
 * `addSecurityKey()` registers one (and recovery codes) through the library's own handoff.
 */
import type { SoftAuthenticator } from '../emulator/index.js';
import {
  createEmulatorApp,
  DEMO_USER,
  type DsmOperationId,
  type EmulatorApp,
  type EmulatorOptions,
  startEmulator,
} from '../emulator/index.js';
import { createSignIn, type SignIn } from '../signIn/createSignIn.js';
import type { SignInEventOf, SignInEventType, SignInOptions } from '../signIn/types.js';
import { createSecurityKeys } from './securityKeys.js';

export interface SignInTestbedOptions {
  /** `http` (default): the emulator on 127.0.0.1. `in-process`: its in-process `fetch`. */
  transport?: 'http' | 'in-process';
  /** Emulator options (the demo user is the testbed's user unless you seed your own first). */
  emulator?: EmulatorOptions;
  /** Options for every controller `createSignIn` makes (not `baseUrl` or `client`). */
  signIn?: Partial<SignInOptions>;
}

export interface SignInTestbed {
  readonly emulator: EmulatorApp;
  /** Where the controllers send their requests. */
  readonly baseUrl: string;
  readonly email: string;
  /** The user's password. The testbed never prints it. */
  readonly password: string;
  /** The user's security keys (software ones), once `addSecurityKey()` registered one. */
  readonly authenticator: SoftAuthenticator;
  /** The controller under test. */
  readonly signIn: SignIn;
  /** Another controller on the same emulator (a second tab, another process of a back end). */
  createSignIn(options?: Partial<SignInOptions>): SignIn;
  /** Requests DSM received so far, of one operation or all. */
  requestCount(operationId?: DsmOperationId): number;
  /**
   * Registers a security key and fresh recovery codes for the user, through a signed-in
   * controller's `createTwoFactorConfig`, then signs out. DSM asks for the key from then on.
   */
  addSecurityKey(): Promise<{ authenticator: SoftAuthenticator; codes: string[] }>;
  /** Disposes of every controller and stops the emulator. */
  close(): Promise<void>;
}

/** Starts the emulator and a sign-in controller on it (the client's retries off). */
export async function startSignInTestbed(
  options: SignInTestbedOptions = {},
): Promise<SignInTestbed> {
  const inProcess = options.transport === 'in-process';
  const emulator: EmulatorApp & { url?: URL; close?: () => Promise<void> } = inProcess
    ? createEmulatorApp(options.emulator)
    : await startEmulator(options.emulator);
  const { email, password } = options.emulator?.users?.[0] ?? DEMO_USER;
  const authenticator = createSecurityKeys();
  const baseUrl = String(emulator.url ?? 'http://127.0.0.1');
  const controllers: SignIn[] = [];
  const create = (extra: Partial<SignInOptions> = {}) => {
    const signIn = createSignIn({
      baseUrl,
      ...options.signIn,
      ...extra,
      clientOptions: {
        retry: false,
        ...(inProcess && { fetch: emulator.fetch }),
        ...options.signIn?.clientOptions,
        ...extra.clientOptions,
      },
    } as SignInOptions);
    controllers.push(signIn);
    return signIn;
  };
  return {
    emulator,
    baseUrl,
    email,
    password,
    authenticator,
    signIn: create(),
    createSignIn: create,
    requestCount: (operationId) =>
      emulator.requests.filter((r) => operationId === undefined || r.operationId === operationId)
        .length,
    async addSecurityKey() {
      const signIn = create();
      const signedIn = await signIn.signIn({ email, password });
      if (signedIn.state === 'awaitingSecondFactor') {
        await signIn.completeWithSecurityKey((request) => authenticator.getAssertion(request));
      }
      const workflow = signIn.createTwoFactorConfig({ browserLifecycle: false });
      try {
        await workflow.unlock(password);
        const creation = await workflow.newDeviceChallenge();
        const name = `testbed key ${authenticator.credentials.length + 1}`;
        await workflow.addDevice(name, await authenticator.createCredential(creation));
        return { authenticator, codes: await workflow.generateRecoveryCodes() };
      } finally {
        await workflow.dispose();
        await signIn.dispose({ signOut: true });
      }
    },
    async close() {
      await Promise.all(controllers.map((signIn) => signIn.dispose()));
      await emulator.close?.();
    },
  };
}

/** Resolves with the next event of that type the controller emits. */
export function nextSignInEvent<T extends SignInEventType>(
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
