/** The part of a workflow the browser lifecycle drives. */
export interface LifecycleTarget {
  checkDeadline(): void;
  dispose(options?: { keepalive?: boolean }): Promise<void>;
}

/**
 * Browsers throttle timers in background tabs and freeze them while a laptop sleeps, so the
 * deadline is re-checked whenever the page may have been asleep: `visibilitychange` (to
 * visible), `focus` and `online`. On `pagehide` the workflow is disposed with a `keepalive`
 * terminate, which the browser still sends while the page unloads.
 * Returns a function that removes the listeners.
 */
export function attachBrowserLifecycle(
  workflow: LifecycleTarget,
  win: Window = window,
  doc: Document = document,
): () => void {
  const recheck = () => {
    if (doc.visibilityState !== 'hidden') workflow.checkDeadline();
  };
  const onPageHide = (event: PageTransitionEvent) => {
    // A page kept in the back/forward cache may come back; lock it anyway, it is cheap.
    void event;
    void workflow.dispose({ keepalive: true });
  };
  doc.addEventListener('visibilitychange', recheck);
  win.addEventListener('focus', recheck);
  win.addEventListener('online', recheck);
  win.addEventListener('pagehide', onPageHide);
  return () => {
    doc.removeEventListener('visibilitychange', recheck);
    win.removeEventListener('focus', recheck);
    win.removeEventListener('online', recheck);
    win.removeEventListener('pagehide', onPageHide);
  };
}
