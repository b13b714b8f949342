import type { ApprovalRequest, User } from '../client/schemas.js';
import { checkText } from '../controller/core.js';
import { TwoFactorConfigLockedError, TwoFactorConfigUnlockedError } from '../workflow/errors.js';
import { createCredentialFor, getAssertionFor } from './ceremonies.js';
import type {
  ApproveWithSecurityKeyOptions,
  RegisterSecurityKeyOptions,
  SecurityKeyWorkflow,
} from './types.js';

/**
 * Runs a ceremony while the workflow stays in `state`: if it leaves it while the prompt is open,
 * the prompt is aborted and `onLeave()` thrown instead of the cancellation (the real reason).
 */
async function whileWorkflowIs<T>(
  workflow: SecurityKeyWorkflow,
  state: string,
  onLeave: () => Error,
  callerSignal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let left = false;
  const unsubscribe = workflow.subscribe((view) => {
    if (view.state === state || left) return;
    left = true;
    controller.abort();
  });
  const forwardAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) forwardAbort();
  callerSignal?.addEventListener('abort', forwardAbort, { once: true });
  try {
    if (left) throw onLeave();
    const result = await run(controller.signal);
    if (left) throw onLeave();
    return result;
  } catch (error) {
    throw left ? onLeave() : error;
  } finally {
    unsubscribe();
    callerSignal?.removeEventListener('abort', forwardAbort);
  }
}

/**
 * Registers a security key: MfaNewChallenge → `navigator.credentials.create()` → UpdateUser,
 * config operations both. If the configuration locks while the prompt is open, the prompt is
 * aborted and the call rejects `CONFIG_LOCKED`; a cancelled prompt, `WEBAUTHN_CANCELLED`.
 */
export async function registerSecurityKey(
  workflow: SecurityKeyWorkflow,
  name: string,
  options: RegisterSecurityKeyOptions = {},
): Promise<User> {
  // Before the challenge, so a bad name never costs the user a touch of the key.
  const deviceName = checkText(name, 'The security key name');
  const challenge = await workflow.newDeviceChallenge();
  const attestationResult = await whileWorkflowIs(
    workflow,
    'unlocked',
    () =>
      new TwoFactorConfigLockedError(
        'The 2FA configuration locked while the security key prompt was open. Unlock it and try again.',
      ),
    options.signal,
    (signal) => createCredentialFor(challenge, { ...options, signal }),
  );
  return workflow.addDevice(deviceName, attestationResult);
}

function unlockedElsewhere(): TwoFactorConfigUnlockedError {
  return new TwoFactorConfigUnlockedError(
    'The 2FA configuration is unlocked in another tab, so the security key cannot approve anything. Lock it there first.',
  );
}

/**
 * Approves a request with the security key: MfaChallenge → `navigator.credentials.get()` →
 * ApproveRequest, approval operations both. An unlock while the prompt is open aborts it
 * (`CONFIG_UNLOCKED`); with `tabs`, so does an unlock in another tab, checked before each request.
 */
export async function approveWithSecurityKey(
  workflow: SecurityKeyWorkflow,
  requestId: string,
  options: ApproveWithSecurityKeyOptions = {},
): Promise<ApprovalRequest> {
  const id = checkText(requestId, 'The request id');
  if (options.tabs?.unlockedElsewhere) throw unlockedElsewhere();
  const challenge = await workflow.approvalChallenge(id);
  const fido2AuthRequest = await whileWorkflowIs(
    workflow,
    'locked',
    () =>
      new TwoFactorConfigUnlockedError(
        'The 2FA configuration was unlocked while the security key prompt was open, so nothing was approved. Lock it and try again.',
      ),
    options.signal,
    (signal) => getAssertionFor(challenge, { ...options, signal }),
  );
  if (options.tabs?.unlockedElsewhere) throw unlockedElsewhere();
  return workflow.approve(id, { fido2AuthRequest });
}
