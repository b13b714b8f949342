/**
 * The whole 2FA-configuration workflow, step by step, printed as it happens. `npm start` runs
 * it against the embedded emulator; `--base-url` points the same steps at a real DSM.
 */

import type { RunningEmulator, SoftAuthenticator } from '../../src/emulator/index.js';
import {
  createDsmClient,
  createTwoFactorConfig,
  type DsmClient,
  isDsmError,
  Secret,
  type TwoFactorConfig,
} from '../../src/index.js';

export interface WalkthroughOptions {
  baseUrl: string;
  email: string;
  password: Secret<string>;
  /** The configuration's auto-lock window (shortened for the emulator). */
  autoLockMs: number;
  safetyMarginMs: number;
  /** Present when running against the embedded emulator: it seeds approval requests. */
  emulator?: RunningEmulator;
  authenticator: SoftAuthenticator;
  log: (line: string) => void;
  /** Lets time pass: a real wait in the CLI, fake time in tests. */
  wait: (ms: number) => Promise<void>;
  now?: () => number;
}

function formatRemaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function describeError(error: unknown): string {
  if (isDsmError(error)) return `${error.code}: ${error.message}`;
  const { code, message } = error as { code?: string; message?: string };
  return `${code ?? 'ERROR'}: ${message ?? String(error)}`;
}

/** Runs every step; resolves with the number of steps that did what they should. */
export async function runWalkthrough(options: WalkthroughOptions): Promise<number> {
  const { log, emulator, authenticator } = options;
  const now = options.now ?? Date.now;
  const started = now();
  let stepNumber = 0;
  const step = (title: string) => {
    stepNumber += 1;
    const elapsed = formatRemaining(now() - started);
    log('');
    log(`${String(stepNumber).padStart(2)}. ${title}  [t+${elapsed}]`);
  };
  const note = (line: string) => log(`    ${line}`);
  const expectFailure = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
      note(`!! ${what} was expected to fail but succeeded`);
      return false;
    } catch (error) {
      note(`refused as expected: ${describeError(error)}`);
      return true;
    }
  };
  const requestsSoFar = () => emulator?.requests.length;
  let ok = 0;

  step('Sign in (Authenticate)');
  const anonymous = createDsmClient({ baseUrl: options.baseUrl });
  const signIn = async (): Promise<{
    client: DsmClient;
    entityId: string;
    token: Secret<string>;
  }> => {
    const auth = await anonymous.authenticate({
      email: options.email,
      password: options.password,
    });
    const client = anonymous.withToken(auth.accessToken);
    if (auth.secondFactor?.fido2AssertionOptions) {
      note('DSM asks for the second factor: signing the challenge with the security key');
      const assertion = await authenticator.getAssertion(auth.secondFactor.fido2AssertionOptions);
      await client.completeFido2Auth(assertion);
    }
    return { client, entityId: auth.entityId, token: auth.accessToken };
  };
  const session = await signIn();
  note(`signed in as ${options.email} (user ${session.entityId}); the token stays in a Secret`);
  ok += 1;

  const workflow: TwoFactorConfig = createTwoFactorConfig({
    client: session.client,
    userId: session.entityId,
    autoLockMs: options.autoLockMs,
    safetyMarginMs: options.safetyMarginMs,
    expiringWarningMs: Math.min(60_000, Math.floor(options.autoLockMs / 3)),
    browserLifecycle: false,
  });
  let lastState = '';
  const watch = (target: TwoFactorConfig) =>
    target.subscribe((view) => {
      if (view.state === lastState) return;
      lastState = view.state;
      const left =
        view.deadline === null ? '' : ` (${formatRemaining(view.deadline - now())} left)`;
      note(`→ ${view.state}${left}`);
    });
  watch(workflow);
  workflow.on('unlocked', (e) =>
    note(`event unlocked: locks at ${new Date(e.deadline).toISOString()}`),
  );
  workflow.on('expiring', (e) => note(`event expiring: ${formatRemaining(e.remainingMs)} left`));
  workflow.on('locked', (e) => note(`event locked: reason ${e.reason}`));
  workflow.on('deviceAdded', (e) => note(`audit: security key "${e.name}" added`));
  workflow.on('recoveryCodesRegenerated', (e) => note(`audit: ${e.count} new recovery codes`));

  step('Unlock the 2FA configuration with the password (Config2faAuth)');
  await workflow.unlock(options.password);
  note(`unlocked; ${formatRemaining(workflow.remainingMs())} until the client locks`);
  ok += 1;

  step('Register a security key (MfaNewChallenge → authenticator → UpdateUser)');
  const creation = await workflow.newDeviceChallenge();
  const attestation = await authenticator.createCredential(creation);
  const user = await workflow.addDevice('Walkthrough key', attestation);
  note(`devices now: ${user.mfa_devices.map((d) => d.name).join(', ')}`);
  ok += 1;

  let requestId: string | undefined;
  if (emulator) {
    requestId = emulator.createApprovalRequest({ reviewerEmail: options.email });
    step('Try to approve a quorum request while unlocked');
    const before = requestsSoFar();
    if (await expectFailure('approval', () => workflow.approvalChallenge(requestId!))) ok += 1;
    note(`requests sent for it: ${(requestsSoFar() ?? 0) - (before ?? 0)} (refused locally)`);
  }

  step('Regenerate recovery codes (GenerateRecoveryCodes)');
  const codes = await workflow.generateRecoveryCodes();
  note(`${codes.length} codes received (shown once to the user, never logged here)`);
  ok += 1;

  step('Lock (Config2faTerminate)');
  await workflow.lock();
  note(`state ${workflow.state}`);
  ok += 1;

  if (requestId) {
    step('Approve the quorum request with the security key, now that it is locked');
    const challenge = await workflow.approvalChallenge(requestId);
    const assertion = await authenticator.getAssertion(challenge);
    const approved = await workflow.approve(requestId, { fido2AuthRequest: assertion });
    note(`approval request ${approved.request_id}: ${approved.status}`);
    ok += 1;
  }

  step('Unlock with a wrong password');
  if (await expectFailure('wrong password', () => workflow.unlock('not-the-password'))) ok += 1;
  note(`state ${workflow.state}`);

  step(`Unlock, then let the auto-lock run (${formatRemaining(options.autoLockMs)} window)`);
  await workflow.unlock(options.password);
  const lockedByTimeout = new Promise<void>((resolve) => {
    const off = workflow.on('locked', (event) => {
      if (event.reason !== 'timeout') return;
      off();
      resolve();
    });
  });
  await options.wait(workflow.remainingMs());
  await lockedByTimeout;
  if (emulator) {
    const server = emulator.lockState(session.token.reveal());
    note(`the emulator agrees: its configuration is ${server.unlocked ? 'unlocked' : 'locked'}`);
  }
  ok += 1;

  step('Sign out (Terminate), then sign in again: now with the security key as second factor');
  await workflow.dispose();
  await session.client.terminate();
  const second = await signIn();
  note(`signed in again as user ${second.entityId}`);
  ok += 1;
  await second.client.terminate();

  if (emulator) {
    step('Sign in with a recovery code instead of the key, then try the same code again');
    const code = new Secret(codes[0]!);
    const signInWithCode = async () => {
      const auth = await anonymous.authenticate({
        email: options.email,
        password: options.password,
      });
      const client = anonymous.withToken(auth.accessToken);
      await client.recoveryCodeAuth({ recoveryCode: code });
      return client;
    };
    const recovered = await signInWithCode();
    note('signed in with a recovery code');
    await recovered.terminate();
    if (await expectFailure('reused recovery code', signInWithCode)) ok += 1;
  }

  if (emulator) {
    step('Hit the rate limit on wrong passwords (last: it also blocks sign-in for a while)');
    const third = await signIn();
    const limited = createTwoFactorConfig({
      client: third.client,
      userId: third.entityId,
      browserLifecycle: false,
    });
    watch(limited);
    for (let attempt = 1; attempt <= 10; attempt++) {
      try {
        await limited.unlock(`wrong-${attempt}`);
      } catch (error) {
        if (isDsmError(error, 'RATE_LIMITED')) {
          note(
            `attempt ${attempt}: ${error.code}, retry after ${Math.round((error.retryAfterMs ?? 0) / 1000)} s`,
          );
          ok += 1;
          break;
        }
        note(`attempt ${attempt}: ${describeError(error)}`);
      }
    }
    await limited.dispose();
    await third.client.terminate();
  }

  log('');
  log(`Done: ${ok} of ${stepNumber} steps did what they should.`);
  return ok;
}
