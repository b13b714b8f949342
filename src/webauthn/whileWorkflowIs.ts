import type { SecurityKeyWorkflow } from './types.js';

/**
 * Runs a ceremony while the workflow stays in the state it needs. A security-key prompt can
 * stay open for a minute; if the configuration locks (deadline, another tab) or unlocks
 * meanwhile, the prompt is aborted and `onLeave()` is thrown instead of the cancellation, so the
 * caller learns the real reason. The caller's own signal cancels it too.
 */
export async function whileWorkflowIs<T>(
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
