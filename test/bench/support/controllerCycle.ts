import type { DsmClient } from '../../../src/client/types.js';
import { createTwoFactorConfig } from '../../../src/workflow/index.js';

/**
 * The full cycle through the library, as a stateless back end would run it per request:
 * create the workflow, unlock, regenerate the recovery codes, lock, dispose.
 */
export async function controllerFullCycle(client: DsmClient, userId: string, password: string) {
  const workflow = createTwoFactorConfig({ client, userId, browserLifecycle: false });
  try {
    await workflow.unlock(password);
    const codes = await workflow.generateRecoveryCodes();
    await workflow.lock();
    return codes;
  } finally {
    await workflow.dispose();
  }
}
