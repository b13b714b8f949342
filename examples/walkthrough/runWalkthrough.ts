/**
 * The whole 2FA journey, step by step, printed as it happens: sign in, configure the second
 * factor, approve with it, let the configuration lock itself, then sign in again with the key
 * and with a recovery code. `npm start` runs it against the embedded emulator; `--base-url`
 * points the same steps at a real DSM.
 */

import type { RunningEmulator, SoftAuthenticator } from '../../src/emulator/index.js';
import { createSignIn, isDsmError, type Secret, type SignIn } from '../../src/index.js';
import { describeError, formatRemaining, watchSignIn, watchWorkflow } from './watch.js';

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
  const requestsSoFar = () => emulator?.requests.length ?? 0;
  const credentials = { email: options.email, password: options.password };
  let ok = 0;

  // The sign-in controller holds the session; the configuration workflow gets it handed over.
  const signIn: SignIn = createSignIn({ baseUrl: options.baseUrl });
  watchSignIn(signIn, note);
  const signInWithKey = async () => {
    const result = await signIn.signIn(credentials);
    if (result.state === 'awaitingSecondFactor') {
      note('signing the challenge with the security key');
      await signIn.completeWithSecurityKey((challenge) => authenticator.getAssertion(challenge));
    }
  };
  const newWorkflow = () => {
    const workflow = signIn.createTwoFactorConfig({
      autoLockMs: options.autoLockMs,
      safetyMarginMs: options.safetyMarginMs,
      expiringWarningMs: Math.min(60_000, Math.floor(options.autoLockMs / 3)),
      browserLifecycle: false,
    });
    watchWorkflow(workflow, note, now);
    return workflow;
  };

  step('Sign in with the password (Authenticate)');
  await signInWithKey();
  note(`signed in as ${options.email} (user ${signIn.userId}); the token stays in a Secret`);
  ok += 1;

  const workflow = newWorkflow();

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
    note(`requests sent for it: ${requestsSoFar() - before} (refused locally)`);
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
    const server = emulator.lockState(signIn.token!.reveal());
    note(`the emulator agrees: its configuration is ${server.unlocked ? 'unlocked' : 'locked'}`);
  }
  ok += 1;

  step('Sign out (Terminate), then sign in again: now with the security key as second factor');
  await signIn.signOut();
  await signInWithKey();
  note(`signed in again as user ${signIn.userId}`);
  ok += 1;

  if (emulator) {
    step('The session expires under the configuration workflow; signing in again resumes it');
    emulator.expireSession(signIn.token!.reveal());
    await expectFailure('unlock with a dead session', () => workflow.unlock(options.password));
    await signInWithKey();
    note(`the configuration workflow is ${workflow.state} again, on the new session`);
    await workflow.unlock(options.password);
    await workflow.lock();
    if (workflow.state === 'locked') ok += 1;
  }
  await workflow.dispose();

  if (emulator) {
    step('Sign in with a recovery code instead of the key, then try the same code again');
    await signIn.signOut();
    await signIn.signIn(credentials);
    await signIn.completeWithRecoveryCode(codes[0]!);
    note(`signed in with a recovery code as user ${signIn.userId}`);
    await signIn.signOut();
    await signIn.signIn(credentials);
    const reused = await expectFailure('reused recovery code', () =>
      signIn.completeWithRecoveryCode(codes[0]!),
    );
    note(`the sign-in still waits for a second factor: ${signIn.state}`);
    await signIn.signOut();
    if (reused) ok += 1;
  }

  if (emulator) {
    step('Hit the rate limit on wrong passwords (last: it also blocks sign-in for a while)');
    await signInWithKey();
    const limited = newWorkflow();
    let rateLimited = false;
    for (let attempt = 1; attempt <= 10 && !rateLimited; attempt++) {
      try {
        await limited.unlock(`wrong-${attempt}`);
      } catch (error) {
        rateLimited = isDsmError(error, 'RATE_LIMITED');
        note(
          rateLimited
            ? `attempt ${attempt}: RATE_LIMITED, retry after ${Math.round(((error as { retryAfterMs?: number }).retryAfterMs ?? 0) / 1000)} s`
            : `attempt ${attempt}: ${describeError(error)}`,
        );
      }
    }
    await limited.dispose();
    await signIn.signOut();
    await expectFailure('sign-in while limited', () => signIn.signIn(credentials));
    const before = requestsSoFar();
    await expectFailure('sign-in again', () => signIn.signIn(credentials));
    note(`requests sent for the second attempt: ${requestsSoFar() - before} (refused locally)`);
    if (rateLimited && signIn.state === 'rateLimited') ok += 1;
  }

  await signIn.dispose({ signOut: true });
  log('');
  log(`Done: ${ok} of ${stepNumber} steps did what they should.`);
  return ok;
}
