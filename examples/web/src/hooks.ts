import { useEffect, useState, useSyncExternalStore } from 'react';
import type { TabSync, TabSyncView } from '../../../src/index.js';

/** What this tab knows about the other tabs of the user. */
export function useTabView(tabs: TabSync): TabSyncView {
  return useSyncExternalStore(
    (notify) => tabs.subscribe(notify),
    () => tabs.view,
  );
}

/**
 * The current time, refreshed every `intervalMs`, for another tab's countdown (this tab's own
 * comes from `useTwoFactorConfig`).
 */
export function useNow(enabled: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [enabled, intervalMs]);
  return now;
}
