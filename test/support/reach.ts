import type { TwoFactorConfigStateName } from '../../machines/twoFactorConfig.types.js';
import type { TwoFactorConfig } from '../../src/workflow/index.js';

/** Resolves when the workflow reaches `state` (driven by I/O, not by timers). */
export function reach(workflow: TwoFactorConfig, state: TwoFactorConfigStateName): Promise<void> {
  return new Promise((resolve) => {
    const stop = workflow.subscribe((view) => {
      if (view.state !== state || view.busy) return;
      queueMicrotask(() => stop());
      resolve();
    });
  });
}
