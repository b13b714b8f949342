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
 * Runs a ceremony while the workflow stays in the state it needs. A security-key prompt can
 * stay open for a minute; if the configuration locks (deadline, another tab) or unlocks
 * meanwhile, the prompt is aborted and `onLeave()` is thrown instead of the cancellation, so the
 * caller learns the real reason. The caller's own signal cancels it too.
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
 * Registers a new security key: MfaNewChallenge → `navigator.credentials.create()` →
 * UpdateUser `add_mfa_devices`. Both requests are config operations, guarded as such (refused
 * with `CONFIG_LOCKED` and no request while locked, unless the workflow's `onPasswordRequired`
 * unlocks first). If the configuration locks while the browser's prompt is open, the prompt is
 * aborted and the call rejects with `CONFIG_LOCKED`; a cancelled prompt rejects with
 * `WEBAUTHN_CANCELLED`. Either way nothing is added.
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
 * ApproveRequest with `fido2_auth_request`. Both requests are approval operations, guarded as
 * such (refused with `CONFIG_UNLOCKED` and no request while unlocked, unless the workflow has
 * `lockBeforeApproval`). If the configuration unlocks while the prompt is open, the prompt is
 * aborted and the call rejects with `CONFIG_UNLOCKED`. With `tabs` (from `syncTabs`), an unlock
 * in another tab refuses it too, before the challenge and again before the approval is sent.
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
