/**
 * `startWorkflowTestbed`: the emulator (its own, or one shared by many testbeds), a user
 * signed in, a security key if wanted, and the workflow under test.
 */
import { randomUUID } from 'node:crypto';
import { createDsmClient } from '../client/createDsmClient.js';
// Through the emulator's entry: without its optional peers, a typed error names them.
import {
  createEmulatorApp,
  DEMO_USER,
  type EmulatorApp,
  startEmulator,
} from '../emulator/index.js';
import { requestLog } from './requestLog.js';
import { createSecurityKeys } from './securityKeys.js';
import { directSession, registerKey, signIn } from './session.js';
import { TESTBED_RETRY, WorkflowTestbed, type WorkflowTestbedOptions } from './testbed.js';

const KEY_NAME = 'testbed approval key';
let sharedUsers = 0;

/**
 * Starts the emulator (loopback HTTP by default) or uses `options.on`, signs a user in,
 * registers a security key for approvals, and creates the workflow under test. Install fake
 * timers first (`setTimeout`, `clearTimeout`, `Date`).
 */
export async function startWorkflowTestbed(
  options: WorkflowTestbedOptions,
): Promise<WorkflowTestbed> {
  const shared = options.on;
  const inProcess = shared ? !('url' in shared) : options.transport === 'in-process';
  const emulator: EmulatorApp & { close?: () => Promise<void> } =
    shared ??
    (inProcess ? createEmulatorApp(options.emulator) : await startEmulator(options.emulator));
  // A shared emulator is not the testbed's to stop.
  const owner: { close?: () => Promise<void> } = shared ? {} : emulator;
  try {
    const baseUrl = 'url' in emulator ? String(emulator.url) : 'http://127.0.0.1';
    const requests = requestLog(inProcess ? emulator.fetch : (input, init) => fetch(input, init));
    const clientOn = (fetch: typeof globalThis.fetch) =>
      createDsmClient({ baseUrl, fetch, retry: TESTBED_RETRY, ...options.client });
    const anonymous = clientOn(requests.fetch);
    const credentials =
      options.user ?? (shared ? addTestbedUser(shared) : seededCredentials(options));
    // The user's keys: the approval key registered below, and another for every key a step adds.
    const authenticator = createSecurityKeys();
    const newSession =
      options.session === 'direct'
        ? async () => directSession(anonymous, emulator, credentials.email)
        : () => signIn(anonymous, authenticator, credentials);
    const session = await newSession();
    if (options.securityKey ?? true) {
      await registerKey(session, authenticator, KEY_NAME, credentials.password);
    }
    return new WorkflowTestbed({
      emulator,
      owner,
      requests,
      authenticator,
      session,
      newSession,
      // Each workflow's client of its own, on the same retries, timeout and transport.
      clientFor: (fetch, token) => clientOn(fetch).withToken(token),
      credentials,
      options,
    });
  } catch (error) {
    await owner.close?.();
    throw error;
  }
}

function seededCredentials(options: WorkflowTestbedOptions) {
  const seeded = options.emulator?.users?.[0];
  return seeded
    ? { email: seeded.email, password: seeded.password }
    : { email: DEMO_USER.email, password: DEMO_USER.password };
}

/** A user of the testbed's own on a shared emulator: its locks and sessions are its own. */
function addTestbedUser(emulator: EmulatorApp) {
  sharedUsers += 1;
  const credentials = {
    email: `testbed-${sharedUsers}-${randomUUID().slice(0, 8)}@example.com`,
    password: `testbed password ${randomUUID()}`,
  };
  emulator.addUser(credentials);
  return credentials;
}
