/** The part of a workflow the browser lifecycle drives. */
export interface LifecycleTarget {
  checkDeadline(): void;
  dispose(options?: { keepalive?: boolean }): Promise<void>;
}

/**
 * Browsers throttle and freeze timers, so the deadline is re-checked whenever the page may have
 * slept (`visibilitychange`, `focus`, `online`); `pagehide` disposes with a `keepalive`
 * terminate, which still goes out while the page unloads. Returns a detach.
 */
export function attachBrowserLifecycle(
  workflow: LifecycleTarget,
  win: Window = window,
  doc: Document = document,
): () => void {
  const recheck = () => {
    if (doc.visibilityState !== 'hidden') workflow.checkDeadline();
  };
  // A page kept in the back/forward cache may come back; lock it anyway, it is cheap.
  const onPageHide = () => void workflow.dispose({ keepalive: true });
  const listeners = [
    [doc, 'visibilitychange', recheck],
    [win, 'focus', recheck],
    [win, 'online', recheck],
    [win, 'pagehide', onPageHide],
  ] as const;
  for (const [target, type, listener] of listeners) target.addEventListener(type, listener);
  return () => {
    for (const [target, type, listener] of listeners) target.removeEventListener(type, listener);
  };
}
