import type { TwoFactorConfig } from '../workflow/createTwoFactorConfig.js';
import { TwoFactorConfigUnlockedError } from '../workflow/errors.js';
import type { Prompt } from './prompt.js';

/**
 * "Lock, then approve": runs `task` (an approval) once the configuration is locked. If it is
 * unlocked (or unlocking), asks `confirm` first, when given; a "no" or a cancel rejects with
 * `TwoFactorConfigUnlockedError` (`CONFIG_UNLOCKED`) and nothing is locked or sent. DSM keeps
 * the security key in configuration mode while unlocked, so approving has to wait for the lock.
 */
export async function lockThenRun<T>(
  workflow: Pick<TwoFactorConfig, 'state' | 'lock'>,
  task: () => Promise<T>,
  options: { confirm?: Prompt<boolean> } = {},
): Promise<T> {
  const state = workflow.state;
  if (state === 'unlocked' || state === 'unlocking') {
    if (options.confirm && (await options.confirm.request()) !== true) {
      throw new TwoFactorConfigUnlockedError(
        'The two-factor settings stay unlocked, so nothing was approved. Lock them to approve.',
      );
    }
    await workflow.lock();
  } else if (state === 'locking') {
    await workflow.lock();
  }
  return task();
}
