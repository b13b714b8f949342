import type { User } from '../client/schemas.js';
import { checkText } from '../controller/core.js';
import { TwoFactorConfigLockedError } from '../workflow/errors.js';
import { createCredentialFor } from './ceremonies.js';
import type { RegisterSecurityKeyOptions, SecurityKeyWorkflow } from './types.js';
import { whileWorkflowIs } from './whileWorkflowIs.js';

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
