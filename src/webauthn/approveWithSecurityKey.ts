import type { ApprovalRequest } from '../client/schemas.js';
import { checkText } from '../controller/core.js';
import { TwoFactorConfigUnlockedError } from '../workflow/errors.js';
import { getAssertionFor } from './ceremonies.js';
import type { ApproveWithSecurityKeyOptions, SecurityKeyWorkflow } from './types.js';
import { whileWorkflowIs } from './whileWorkflowIs.js';

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
